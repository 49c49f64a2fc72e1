/// MD4 (RFC 1320). Broken as a hash and used for nothing else here: NTLM's NT hash is MD4 of the
/// password's UTF-16LE bytes, and that is what Exchange checks, so the connector needs it.
enum MD4 {
    static func hash(_ message: some Collection<UInt8>) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476)
        for block in MDBlockPadding.blocks(of: Array(message)) {
            process(block, into: &state)
        }
        return MDBlockPadding.littleEndianBytes([state.0, state.1, state.2, state.3])
    }

    /// Message word order of rounds 2 and 3 (RFC 1320 §3.4).
    private static let wordOrder: [[Int]] = [
        Array(0..<16),
        [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15],
        [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15],
    ]
    private static let shifts: [[UInt32]] = [[3, 7, 11, 19], [3, 5, 9, 13], [3, 9, 11, 15]]
    private static let roundConstants: [UInt32] = [0, 0x5A82_7999, 0x6ED9_EBA1]

    private static func process(_ block: [UInt32], into state: inout (UInt32, UInt32, UInt32, UInt32)) {
        var (a, b, c, d) = state
        for step in 0..<48 {
            let round = step / 16
            let mixed: UInt32 = switch round {
            case 0: (b & c) | (~b & d)
            case 1: (b & c) | (b & d) | (c & d)
            default: b ^ c ^ d
            }
            let sum = a &+ mixed &+ block[wordOrder[round][step % 16]] &+ roundConstants[round]
            let rotated = MDBlockPadding.rotateLeft(sum, by: shifts[round][step % 4])
            // Each step writes the register the next one reads as its first: a, d, c, b, a, …
            (a, b, c, d) = (d, rotated, b, c)
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}
