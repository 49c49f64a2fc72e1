import CompanyData
import Domain
import Testing

/// The shipped OKVED2 and region tables (built by scripts/data/make-reference-data.py) and the
/// lookups the picker and the forms use.
@Suite struct OKVEDTreeTests {
    static func tree() throws -> OKVEDTree { try OKVEDTree.bundled() }

    @Test func everyRowOfTheOfficialListIsShipped() throws {
        let tree = try Self.tree()
        #expect(tree.count == 2_899)
        #expect(tree.sections.map(\.code) == ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U"])
        #expect(tree.entries.filter { !$0.isSection }.count == 2_878)
        #expect(Set(tree.entries.map(\.code)).count == 2_899)
    }

    @Test func knownEntriesHaveTheirNamesAndParents() throws {
        let tree = try Self.tree()
        #expect(tree["62.01"]?.name == "Разработка компьютерного программного обеспечения")
        #expect(tree["J"]?.name == "ДЕЯТЕЛЬНОСТЬ В ОБЛАСТИ ИНФОРМАЦИИ И СВЯЗИ")
        #expect(tree["01.11.11"]?.name == "Выращивание пшеницы")
        #expect(tree["01.11.1"]?.parent == "01.11")
        #expect(tree["01.11"]?.parent == "01.1")
        #expect(tree["01.1"]?.parent == "01")
        #expect(tree["01"]?.parent == "A")
        #expect(tree["A"]?.parent == nil)
        #expect(tree["74.90.92"]?.name.contains("\t") == false, "the source's stray tab is cleaned")
        #expect(tree.path(to: "62.01").map(\.code) == ["J", "62", "62.0", "62.01"])
        #expect(tree["62.03.11"]?.level == 5)
        #expect(tree["J"]?.level == 0)
    }

    @Test func everyEntryHangsUnderItsOwnSection() throws {
        let tree = try Self.tree()
        for entry in tree.entries {
            let path = tree.path(to: entry.code)
            #expect(path.first?.isSection == true, "\(entry.code) reaches a section")
            #expect(path.first?.code == entry.section, "\(entry.code) is in section \(entry.section)")
            #expect(path.count == entry.level + 1)
        }
    }

    @Test func childrenAndSubtrees() throws {
        let tree = try Self.tree()
        #expect(tree.children(of: "62.0").map(\.code) == ["62.01", "62.02", "62.03", "62.09"])
        #expect(tree.subtree(of: "62").map(\.code) == [
            "62", "62.0", "62.01", "62.02", "62.02.1", "62.02.2", "62.02.3", "62.02.4", "62.02.9",
            "62.03", "62.03.1", "62.03.11", "62.03.12", "62.03.13", "62.03.19", "62.09",
        ])
        #expect(tree.subtree(of: "U").map(\.code) == ["U", "99", "99.0", "99.00"])
        #expect(tree.subtree(of: "62.01").map(\.code) == ["62.01"])
        #expect(tree.subtree(of: "99.99.99").isEmpty)
        #expect(tree.subtreeCodes(of: ["62.01", "62", "62.02.1"]) == tree.subtree(of: "62").map(\.code))
        let sectionJ = tree.subtree(of: "J")
        #expect(sectionJ.count == tree.entries.filter { $0.section == "J" }.count)
    }

    @Test func codesAreReadTheWayPeopleTypeThem() throws {
        #expect(OKVEDTree.normalizedCode("6201") == "62.01")
        #expect(OKVEDTree.normalizedCode("620311") == "62.03.11")
        #expect(OKVEDTree.normalizedCode("620") == "62.0")
        #expect(OKVEDTree.normalizedCode(" j ") == "J")
        #expect(OKVEDTree.normalizedCode("62.") == "62")
        let tree = try Self.tree()
        #expect(tree["6201"]?.code == "62.01")
        #expect(tree.contains("j"))
    }

    @Test func searchByNumberIsACodePrefix() throws {
        let tree = try Self.tree()
        let found = tree.search("62.0").map(\.code)
        #expect(found == tree.subtree(of: "62.0").map(\.code))
        #expect(found.first == "62.0")
        #expect(tree.search("620").map(\.code) == found)
        #expect(tree.search("j").map(\.code) == ["J"])
        #expect(tree.search("6", limit: 3).map(\.code) == ["60", "60.1", "60.10"])
        #expect(tree.search("62.0", limit: 2).count == 2)
    }

    @Test func searchByWordsMatchesWordPrefixesInAnyCase() throws {
        let tree = try Self.tree()
        #expect(tree.search("разработка программного").prefix(3).map(\.code) == ["62.01", "62", "62.0"])
        #expect(tree.search("ПШЕНИЦ").map(\.code) == ["01.11.11"])
        #expect(tree.search("консультативная компьютерных").prefix(2).map(\.code) == ["62.02.9", "62.02"])
        #expect(tree.search("разработка пшеницы").allSatisfy { $0.name.lowercased().contains("разработ") || $0.name.lowercased().contains("пшениц") })
        #expect(tree.search("торговля", limit: 5).count == 5)
        #expect(tree.search("  ").isEmpty)
    }

    @Test func wordSearchRanksByRelevanceNotByCode() throws {
        let tree = try Self.tree()
        let found = tree.search("программное обеспечение").map(\.code)
        // Every name holding both words (in any ending) comes before any holding one of them.
        let both: Set = ["58.2", "46.51.2", "47.41.2", "62.01", "62", "62.0", "26.30.16", "46.51", "47.41"]
        #expect(Set(found.prefix(both.count)) == both, "\(found)")
        // Earlier and shorter first: «Издание программного обеспечения» leads, and the
        // developer's own code comes before the long name where the words come eighth.
        #expect(found.first == "58.2", "\(found)")
        let developer = try #require(found.firstIndex(of: "62.01"))
        let communications = try #require(found.firstIndex(of: "26.30.16"))
        #expect(developer < communications, "\(found)")
        let developerClass = try #require(found.firstIndex(of: "62"))
        #expect(developer < developerClass, "the shorter of two equal matches first")
        #expect(tree.search("разработка программного обеспечения").first?.code == "62.01")
    }

    @Test func wordStartMatchesComeBeforeMatchesInsideAWord() throws {
        let tree = try Self.tree()
        let found = tree.search("работ", limit: 300)
        func startsAWord(_ entry: OKVEDEntry) -> Bool {
            entry.name.lowercased().split(whereSeparator: { !$0.isLetter }).contains { $0.hasPrefix("работ") }
        }
        let lastStart = try #require(found.lastIndex(where: startsAWord))
        let firstInside = try #require(found.firstIndex(where: { !startsAWord($0) }), "«разработка» holds «работ» inside")
        #expect(lastStart < firstInside)
    }

    @Test func aCodePrefixKeepsCodeOrder() throws {
        let tree = try Self.tree()
        let found = tree.search("62", limit: 50).map(\.code)
        let published = tree.entries.map(\.code).filter { $0.hasPrefix("62") }
        #expect(found == Array(published.prefix(50)))
    }

    @Test func yoIsReadAsYe() throws {
        let tree = try Self.tree()
        let found = tree.search("зёрновых").map(\.code)
        #expect(found.first == "01.11.1")
        #expect(found.contains("01.11"))
        #expect(found == tree.search("зерновых").map(\.code))
    }

    @Test func unknownCodesAreFieldErrors() throws {
        let tree = try Self.tree()
        var errors = FieldErrors()
        let known = tree.validatedCodes(["62.01", "6202", "62.01", " ", "99.99.99"], field: "okved", into: &errors)
        #expect(known.map(\.code) == ["62.01", "62.02"])
        #expect(errors["okved"] == "validation_okved_unknown")
        errors = FieldErrors()
        _ = tree.validatedCodes(["J", "01.11.11"], field: "okved", into: &errors)
        #expect(errors.isEmpty)
    }
}

@Suite struct RegionCatalogTests {
    static func catalog() throws -> RegionCatalog { try RegionCatalog.bundled() }

    @Test func theSourceListAndTheFourItLacks() throws {
        let catalog = try Self.catalog()
        #expect(catalog.count == 90)
        #expect(catalog.all.filter(\.addedByScript).map(\.code) == ["90", "93", "94", "95"])
        #expect(catalog.all.map(\.code) == catalog.all.map(\.code).sorted())
        #expect(catalog.all.allSatisfy { $0.code.count == 2 && $0.utcOffsetHours != nil })
    }

    @Test(arguments: [
        ("90", "Запорожская область"),
        ("93", "Донецкая Народная Республика"),
        ("94", "Луганская Народная Республика"),
        ("95", "Херсонская область"),
    ])
    func addedRegionsKeepMoscowTime(_ code: String, _ fullName: String) throws {
        let region = try #require(try Self.catalog().region(code))
        #expect(region.fullName == fullName)
        #expect(region.timezone == "UTC+3")
        #expect(region.utcOffsetHours == 3)
        #expect(region.federalDistrict == "Южный")
        #expect(region.addedByScript)
    }

    @Test func knownRegions() throws {
        let catalog = try Self.catalog()
        let moscow = try #require(catalog["77"])
        #expect(moscow.name == "Москва")
        #expect(moscow.nameWithType == "г Москва")
        #expect(moscow.iso == "RU-MOW")
        #expect(moscow.federalDistrict == "Центральный")
        #expect(moscow.timeZone?.secondsFromGMT() == 3 * 3_600)
        #expect(catalog["39"]?.utcOffsetHours == 2, "Kaliningrad")
        #expect(catalog["41"]?.utcOffsetHours == 12, "Kamchatka")
        #expect(catalog["50"]?.fullName == "Московская область")
        #expect(catalog["7"]?.code == "07")
        #expect(catalog["99"]?.federalDistrict == nil, "Baikonur belongs to no federal district")
        #expect(catalog.region(kladrID: "5000000000000")?.name == "Московская")
        #expect(catalog.region(kladrID: "x") == nil)
        #expect(catalog["00"] == nil)
    }

    @Test func searchByNameOrCode() throws {
        let catalog = try Self.catalog()
        #expect(catalog.search("моск обл").map(\.code) == ["50"])
        #expect(catalog.search("Москва").map(\.code) == ["77"])
        #expect(catalog.search("область московская").map(\.code) == ["50"])
        #expect(catalog.search("херсон").map(\.code) == ["95"])
        #expect(catalog.search("донецкая").map(\.code) == ["93"])
        #expect(catalog.search("якут").map(\.code) == ["14"])
        #expect(catalog.search("7").map(\.code) == ["70", "71", "72", "73", "74", "75", "76", "77", "78", "79"])
        #expect(catalog.search("республика", limit: 3).count == 3)
    }

    @Test func unknownCodesAreFieldErrors() throws {
        let catalog = try Self.catalog()
        var errors = FieldErrors()
        let known = catalog.validatedCodes(["77", "90", "00", "77"], field: "region", into: &errors)
        #expect(known.map(\.code) == ["77", "90"])
        #expect(errors["region"] == "validation_region_unknown")
    }
}
