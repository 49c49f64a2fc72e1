import Foundation

/// Public data about one company, every field with its source and the time it was fetched. A
/// provider fills what it knows; `filling(from:)` merges what several providers found without
/// losing where each value came from. Nil means "not known", never "known to be empty".
public struct CompanyRecord: Sendable, Hashable, Codable {
    /// The key of the record (10 digits for an organisation, 12 for a sole proprietor).
    public var inn: String
    public var kpp: Sourced<String>?
    /// OGRN, or OGRNIP for a sole proprietor.
    public var ogrn: Sourced<String>?
    public var fullName: Sourced<String>?
    public var shortName: Sourced<String>?
    public var status: Sourced<CompanyStatus>?
    public var registrationDate: Sourced<CalendarDay>?
    public var mainOKVED: Sourced<OKVEDActivity>?
    public var extraOKVEDs: Sourced<[OKVEDActivity]>?
    /// Two digits, as in `RegionCatalog`.
    public var regionCode: Sourced<String>?
    public var address: Sourced<String>?
    public var director: Sourced<CompanyDirector>?
    public var headcount: Sourced<Int>?
    public var revenue: Sourced<CompanyRevenue>?
    public var phones: Sourced<[String]>?
    public var emails: Sourced<[String]>?
    public var website: Sourced<String>?

    public init(inn: String) {
        self.inn = inn
    }

    public var isSoleProprietor: Bool { inn.count == 12 }

    /// What a list shows: the short name, else the full name, else the INN.
    public var displayName: String {
        shortName?.value ?? fullName?.value ?? inn
    }

    /// This record with its missing fields taken from `other` (same company, another source).
    public func filling(from other: CompanyRecord) -> CompanyRecord {
        var merged = self
        merged.kpp = kpp ?? other.kpp
        merged.ogrn = ogrn ?? other.ogrn
        merged.fullName = fullName ?? other.fullName
        merged.shortName = shortName ?? other.shortName
        merged.status = status ?? other.status
        merged.registrationDate = registrationDate ?? other.registrationDate
        merged.mainOKVED = mainOKVED ?? other.mainOKVED
        merged.extraOKVEDs = extraOKVEDs ?? other.extraOKVEDs
        merged.regionCode = regionCode ?? other.regionCode
        merged.address = address ?? other.address
        merged.director = director ?? other.director
        merged.headcount = headcount ?? other.headcount
        merged.revenue = revenue ?? other.revenue
        merged.phones = phones ?? other.phones
        merged.emails = emails ?? other.emails
        merged.website = website ?? other.website
        return merged
    }
}
