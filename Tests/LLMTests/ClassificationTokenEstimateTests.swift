import LLM
import Testing

/// The documented rule, checked on texts small enough to count by hand.
@Suite struct ClassificationTokenEstimateTests {
    @Test func asciiCostsAQuarterTokenACharacter() {
        #expect(TokenEstimate.tokens(in: "") == 0)
        #expect(TokenEstimate.tokens(in: "abcd") == 1)
        #expect(TokenEstimate.tokens(in: "abcde") == 2)
        #expect(TokenEstimate.tokens(in: String(repeating: "a", count: 400)) == 100)
    }

    @Test func cyrillicCostsTwoFifthsOfATokenALetter() {
        #expect(TokenEstimate.tokens(in: "счёт") == 2)
        #expect(TokenEstimate.tokens(in: "приветствую") == 5)
        #expect(TokenEstimate.tokens(in: String(repeating: "я", count: 250)) == 100)
    }

    @Test func otherCharactersCostATokenEach() {
        #expect(TokenEstimate.tokens(in: "№«»—") == 4)
        #expect(TokenEstimate.tokens(in: "😀") == 1)
    }

    @Test func aRequestCountsBothTurnsTheSchemaAndTheFraming() {
        let schema = LLMSchema(name: "x", schema: .object(["type": .string("object")]))
        let request = LLMRequest(system: "abcd", user: "счёт", schema: schema, purpose: "classification")
        // {"type":"object"} is 17 ASCII characters: 5 tokens.
        #expect(TokenEstimate.tokens(in: request) == 1 + 2 + 5 + TokenEstimate.requestOverhead)
    }
}
