import Testing
@testable import MIME

@Suite struct MailAddressTests {
    func parse(_ text: String) -> [MailAddress] { MailAddress.parseList(Array(text.utf8)) }

    @Test func displayNamesInEveryForm() {
        #expect(parse("Anna Petrova <Anna@Romashka.RU>") == [MailAddress(name: "Anna Petrova", address: "Anna@romashka.ru")])
        #expect(parse("\"Petrova, Anna \\\"CEO\\\"\" <anna@a.ru>") == [MailAddress(name: "Petrova, Anna \"CEO\"", address: "anna@a.ru")])
        #expect(parse("=?utf-8?B?0JDQvdC90LA=?= <anna@a.ru>") == [MailAddress(name: "Анна", address: "anna@a.ru")])
        #expect(parse("anna@a.ru (Анна Петрова)") == [MailAddress(name: "Анна Петрова", address: "anna@a.ru")])
        #expect(parse("<anna@a.ru>") == [MailAddress(name: nil, address: "anna@a.ru")])
    }

    @Test func listsAndGroups() {
        let list = parse("a@a.ru, \"B, b\" <b@b.ru>,c@c.ru")
        #expect(list.map(\.address) == ["a@a.ru", "b@b.ru", "c@c.ru"])
        let group = parse("Sales: a@a.ru, Boris <b@b.ru>;, c@c.ru")
        #expect(group.map(\.address) == ["a@a.ru", "b@b.ru", "c@c.ru"])
        #expect(parse("Undisclosed recipients:;").isEmpty)
        // An obsolete source route keeps its commas inside the brackets.
        #expect(parse("Anna <@relay1.ru,@relay2.ru:anna@a.ru>, b@b.ru").map(\.address) == ["anna@a.ru", "b@b.ru"])
    }

    @Test func idnDomainsAndRawCyrillicNames() {
        let raw: [UInt8] = [0xE0, 0xED, 0xED, 0xE0] + Array(" <info@пример.рф>".utf8)  // "анна" in windows-1251
        #expect(MailAddress.parseList(raw) == [MailAddress(name: "анна", address: "info@пример.рф")])
    }

    @Test func garbageIsSkippedNotFatal() {
        #expect(parse("not an address, <also not>, ok@ok.ru") == [MailAddress(name: nil, address: "ok@ok.ru")])
    }
}
