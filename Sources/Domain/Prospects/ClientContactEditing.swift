import Foundation

/// The client card's hand edits of contacts and decision makers. A value a person typed in is
/// `manual` with their name: it passes the same checks as an enriched one (`ContactRules`), and
/// it is the person's, not enrichment's — a later enrichment neither removes nor replaces it
/// (``ClientContacts/keepingEntered(from:)``).
public enum ContactKind: String, Sendable, Hashable, CaseIterable {
    case email
    case phone
}

/// Why a hand edit cannot be applied to the contacts as they are now.
public enum ContactEditError: Error, Equatable, Sendable {
    /// The value to correct or remove is not among the contacts (any more).
    case notFound
    /// The value (or the person, by name) is there already.
    case duplicate
}

extension Sourced {
    /// Typed in by a person on the client card.
    public var isEntered: Bool { source == .manual }
}

extension DecisionMaker {
    public var isEntered: Bool { source == .manual }
}

extension ClientContacts {
    /// Adds `value` (`original` nil) or puts it in the place of `original`. Throws `duplicate`
    /// when another entry has the value already, `notFound` when `original` is not there.
    public mutating func save(_ kind: ContactKind, _ value: Sourced<String>, replacing original: String?) throws(ContactEditError) {
        var list = kind == .email ? emails : phones
        if list.contains(where: { $0.value == value.value && $0.value != original }) { throw .duplicate }
        if let original {
            guard let index = list.firstIndex(where: { $0.value == original }) else { throw .notFound }
            list[index] = value
        } else {
            list.append(value)
        }
        if kind == .email { emails = list } else { phones = list }
    }

    /// Removes the e-mail address or phone `value`; `notFound` when it is not there.
    public mutating func remove(_ kind: ContactKind, _ value: String) throws(ContactEditError) {
        var list = kind == .email ? emails : phones
        guard let index = list.firstIndex(where: { $0.value == value }) else { throw .notFound }
        list.remove(at: index)
        if kind == .email { emails = list } else { phones = list }
    }

    /// Adds `person` (`originalName` nil) or puts them in the place of the person named
    /// `originalName`. Names compare in any letter case, as enrichment compares them.
    public mutating func save(_ person: DecisionMaker, replacing originalName: String?) throws(ContactEditError) {
        let name = person.fullName.lowercased()
        let original = originalName?.lowercased()
        if decisionMakers.contains(where: { $0.fullName.lowercased() == name && $0.fullName.lowercased() != original }) { throw .duplicate }
        if let original {
            guard let index = decisionMakers.firstIndex(where: { $0.fullName.lowercased() == original }) else { throw .notFound }
            decisionMakers[index] = person
        } else {
            decisionMakers.append(person)
        }
    }

    public mutating func removeDecisionMaker(named name: String) throws(ContactEditError) {
        guard let index = decisionMakers.firstIndex(where: { $0.fullName.lowercased() == name.lowercased() }) else { throw .notFound }
        decisionMakers.remove(at: index)
    }

    /// These contacts (what an enrichment is about to store: the client's contacts when it
    /// started, with what it found) with the hand-entered values taken from `current` (the
    /// contacts as they are now): a person may have typed, corrected or removed one while the
    /// enrichment ran, and their word wins. A found value equal to a hand-entered one (by value;
    /// a person by name) is left out, so the person's version is the one shown.
    public func keepingEntered(from current: ClientContacts) -> ClientContacts {
        func merged(_ found: [Sourced<String>], _ entered: [Sourced<String>]) -> [Sourced<String>] {
            let typed = entered.filter(\.isEntered)
            let values = Set(typed.map(\.value))
            return typed + found.filter { !$0.isEntered && !values.contains($0.value) }
        }
        var result = self
        result.emails = merged(emails, current.emails)
        result.phones = merged(phones, current.phones)
        let people = current.decisionMakers.filter(\.isEntered)
        let names = Set(people.map { $0.fullName.lowercased() })
        result.decisionMakers = people + decisionMakers.filter { !$0.isEntered && !names.contains($0.fullName.lowercased()) }
        return result
    }
}

/// The checks of a hand-entered contact or decision maker: the rules enrichment applies
/// (`ContactRules`), with a field error where enrichment would drop the value.
public enum ContactForm {
    /// The longest position kept.
    public static let maximumPositionLength = 200

    /// A lower-cased e-mail address, or nil with a field error.
    public static func email(_ text: String, field: String, required: Bool = true, into errors: inout FieldErrors) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            if required { errors.add(field, "validation_required") }
            return nil
        }
        guard let email = ContactRules.email(trimmed) else {
            errors.add(field, "validation_email")
            return nil
        }
        return email
    }

    /// E.164, or nil with a field error.
    public static func phone(_ text: String, field: String, required: Bool = true, into errors: inout FieldErrors) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            if required { errors.add(field, "validation_required") }
            return nil
        }
        guard let phone = ContactRules.phone(trimmed) else {
            errors.add(field, "validation_phone")
            return nil
        }
        return phone
    }

    /// The value of `kind` checked as above.
    public static func contact(_ kind: ContactKind, _ text: String, field: String, into errors: inout FieldErrors) -> String? {
        switch kind {
        case .email: email(text, field: field, into: &errors)
        case .phone: phone(text, field: field, into: &errors)
        }
    }

    /// Field names of the decision-maker form.
    public struct PersonFields: Sendable {
        public let fullName: String
        public let position: String
        public let inn: String
        public let email: String
        public let phone: String

        public init(fullName: String, position: String, inn: String, email: String, phone: String) {
            self.fullName = fullName
            self.position = position
            self.inn = inn
            self.email = email
            self.phone = phone
        }
    }

    /// A person typed in by `enteredBy` at `now`: a name is required; position, INN (checked by
    /// its check digits, 12 digits for a person), e-mail and phone are optional but checked when given.
    public static func decisionMaker(fullName: String, position: String, inn: String, email: String, phone: String, fields: PersonFields,
                                     enteredBy: String, now: Date, into errors: inout FieldErrors) -> DecisionMaker? {
        var name: String?
        if fullName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add(fields.fullName, "validation_required")
        } else if let line = ContactRules.personName(fullName) {
            name = line
        } else {
            errors.add(fields.fullName, "validation_too_long")
        }
        let role = FormRules.optionalText(position, field: fields.position, maxLength: maximumPositionLength, into: &errors)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        var personINN: String?
        if !inn.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if let number = FormRules.inn(inn, field: fields.inn, into: &errors) {
                if number.kind == .inn12 { personINN = number.digits } else { errors.add(fields.inn, "validation_person_inn") }
            }
        }
        let address = Self.email(email, field: fields.email, required: false, into: &errors)
        let phoneNumber = Self.phone(phone, field: fields.phone, required: false, into: &errors)
        guard let name, errors.isEmpty else { return nil }
        return DecisionMaker(fullName: name, position: role.isEmpty ? nil : role, inn: personINN, email: address, phone: phoneNumber,
                             source: .manual, fetchedAt: now, enteredBy: enteredBy)
    }
}
