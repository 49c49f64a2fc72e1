import Testing
import Classifier

@Suite struct StemmerTests {
    @Test(arguments: [
        ("счета", "счет"), ("счёт", "счет"), ("счетов", "счет"), ("счетами", "счет"), ("счете", "счет"),
        ("заявка", "заявк"), ("заявки", "заявк"), ("заявку", "заявк"),
        ("предложение", "предложен"), ("предложения", "предложен"),
        ("вакансия", "ваканс"), ("вакансии", "ваканс"),
        ("договор", "договор"), ("договора", "договор"),
        ("оплатить", "оплат"), ("оплаты", "оплат"), ("отправьте", "отправ"),
        ("коммерческое", "коммерческ"), ("красивейший", "красив"), ("сделавшись", "сдела"),
        ("новости", "новост"), ("радостью", "радост"),
        ("активность", "активн"), ("активный", "активн"), ("читал", "чита"), ("дом", "дом"),
    ])
    func russian(word: String, stem: String) {
        #expect(Tokenizer.stem(Tokenizer.fold(word)) == stem)
    }

    @Test func russianInflectionsOfOneWordShareAStem() {
        let stems = Set(["счета", "счёт", "счетов"].map { Tokenizer.stem(Tokenizer.fold($0)) })
        #expect(stems == ["счет"])
    }

    @Test(arguments: [
        ("invoice", "invoic"), ("invoices", "invoic"), ("invoiced", "invoic"), ("invoicing", "invoic"),
        ("meeting", "meet"), ("meetings", "meet"), ("companies", "compani"), ("company", "compani"),
        ("stopped", "stop"), ("hoping", "hop"), ("hope", "hop"), ("agreed", "agre"), ("agreement", "agre"),
        ("payments", "payment"), ("running", "run"), ("need", "need"), ("class", "class"), ("status", "status"),
        ("relational", "relat"), ("organization", "organiz"), ("effectiveness", "effectiv"), ("the", "the"),
    ])
    func english(word: String, stem: String) {
        #expect(EnglishStemmer.stem(word) == stem)
    }
}
