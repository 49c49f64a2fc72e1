import Testing
@testable import MIME

@Suite struct MessageIDsTests {
    func parse(_ text: String) -> [String] { MessageIDs.parse(Array(text.utf8)) }

    @Test func idsInOrderWithoutBracketsCommentsOrFolding() {
        #expect(parse("<abc@mail.ru>") == ["abc@mail.ru"])
        #expect(parse("<a@x.ru>\r\n <b@y.ru> (comment <not@an.id>)\t<c@z.ru>") == ["a@x.ru", "b@y.ru", "c@z.ru"])
        #expect(parse("<a@x.ru> <a@x.ru>") == ["a@x.ru"])
    }

    @Test func oldMailersWithoutBrackets() {
        #expect(parse("abc123@legacy.example") == ["abc123@legacy.example"])
        #expect(parse("no ids here") == [])
        #expect(parse("<unterminated@x.ru") == ["unterminated@x.ru"], "best reading, never dropped")
    }
}
