import Classifier

/// A small sales team's categories, in Russian and English, written for these tests. The
/// expected verdicts in the tests were computed with the Python prototype of the classifier.
enum SalesCategories {
    static let seeds = [
        CategorySeed(
            id: "lead", name: "Заявка",
            description: "Запрос от нового клиента: хотят купить, просят цену или коммерческое предложение. A new customer asks for a price or a quote.",
            examples: [
                "Здравствуйте! Хотим заказать 20 станков, пришлите коммерческое предложение и цены.",
                "Request for quotation: we would like to buy 50 licences, please send your price list.",
            ]),
        CategorySeed(
            id: "invoice", name: "Счёт",
            description: "Счета на оплату, акты и платёжные документы от поставщиков. Invoices and payment documents.",
            examples: [
                "Направляем счёт на оплату №341 за поставку в марте.",
                "Please find attached invoice INV-2041, payment due in 10 days.",
            ]),
        CategorySeed(
            id: "cv", name: "Резюме",
            description: "Отклики кандидатов на вакансии, резюме. Job applications and CVs.",
            examples: [
                "Добрый день! Откликаюсь на вакансию менеджера по продажам, резюме во вложении.",
                "Please find my CV attached, I am applying for the sales manager position.",
            ]),
    ]

    static let priceRequest = ClassifierInput(
        sender: "buyer@zavod.ru", subject: "Запрос цены",
        snippet: "Добрый день, просим выслать коммерческое предложение на 10 станков.")
    static let aprilInvoices = ClassifierInput(
        sender: "buh@supplier.ru", subject: "Счета за апрель",
        snippet: "Во вложении счета на оплату за апрель.")
    static let application = ClassifierInput(
        sender: "anna@gmail.com", subject: "Резюме",
        snippet: "Откликаюсь на вакансию, прошу рассмотреть моё резюме.")
    static let englishInvoice = ClassifierInput(
        sender: "john@acme.com", subject: "Invoice 5512",
        snippet: "Please find attached the invoice for March, payment due in 30 days.")
    static let englishApplication = ClassifierInput(
        sender: "hr@x.com", subject: "Application",
        snippet: "I am applying for the position of sales manager, my CV is attached.")
    static let supplyContract = ClassifierInput(
        sender: "partner@logist.ru", subject: "Договор поставки",
        snippet: "Направляем договор поставки на согласование.")
    static let shortContractNote = ClassifierInput(
        sender: "partner@logist.ru", subject: "Договор", snippet: "Договор на согласование.")
    static let gibberish = ClassifierInput(sender: "x@y.com", subject: "Qwzx", snippet: "Zzzz qqqq ppppp")
}
