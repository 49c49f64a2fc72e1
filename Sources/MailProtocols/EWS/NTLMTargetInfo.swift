/// The AV_PAIR list of a CHALLENGE's TargetInfo (MS-NLMP §2.2.2.1): the server's names, often a
/// timestamp, and what the client adds before echoing the list in its NTLMv2 response.
struct NTLMTargetInfo: Sendable, Equatable {
    struct Pair: Sendable, Equatable {
        var id: UInt16
        var value: [UInt8]
    }

    /// AvIds used here (MS-NLMP §2.2.2.1).
    enum PairID {
        static let endOfList: UInt16 = 0x0000
        static let netBIOSComputerName: UInt16 = 0x0001
        static let netBIOSDomainName: UInt16 = 0x0002
        static let flags: UInt16 = 0x0006
        static let timestamp: UInt16 = 0x0007
        static let channelBindings: UInt16 = 0x000A
    }

    /// MsvAvFlags bit: the AUTHENTICATE message carries a MIC.
    static let micPresentFlag: UInt32 = 0x0000_0002

    /// In order, without the terminating MsvAvEOL.
    var pairs: [Pair]

    init(pairs: [Pair] = []) {
        self.pairs = pairs
    }

    /// Reads pairs up to MsvAvEOL. A list that runs past its buffer is malformed; one that simply
    /// ends without MsvAvEOL is accepted, as Windows does.
    init?(parsing bytes: [UInt8]) {
        var pairs: [Pair] = []
        var offset = 0
        while offset < bytes.count {
            guard let id = NTLMWire.uint16(in: bytes, at: offset),
                  let length = NTLMWire.uint16(in: bytes, at: offset + 2),
                  let value = NTLMWire.slice(of: bytes, at: offset + 4, length: Int(length))
            else { return nil }
            if id == PairID.endOfList { break }
            pairs.append(Pair(id: id, value: value))
            offset += 4 + Int(length)
        }
        self.pairs = pairs
    }

    var bytes: [UInt8] {
        var output: [UInt8] = []
        for pair in pairs + [Pair(id: PairID.endOfList, value: [])] {
            NTLMWire.append(pair.id, to: &output)
            NTLMWire.append(UInt16(truncatingIfNeeded: pair.value.count), to: &output)
            output += pair.value
        }
        return output
    }

    func value(of id: UInt16) -> [UInt8]? {
        pairs.first { $0.id == id }?.value
    }

    func string(of id: UInt16) -> String? {
        value(of: id).map(NTLMWire.string(fromUTF16LittleEndian:))
    }

    /// The server's clock as a FILETIME (100 ns ticks since 1601), when it sent one: the client
    /// must then answer with this time and a MIC (MS-NLMP §3.1.5.1.2).
    var timestamp: UInt64? {
        value(of: PairID.timestamp).flatMap { $0.count == 8 ? NTLMWire.uint64(in: $0, at: 0) : nil }
    }

    /// Sets bits in MsvAvFlags, adding the pair when the server sent none.
    mutating func insertFlags(_ bits: UInt32) {
        if let index = pairs.firstIndex(where: { $0.id == PairID.flags }) {
            let current = NTLMWire.uint32(in: pairs[index].value, at: 0) ?? 0
            var value: [UInt8] = []
            NTLMWire.append(current | bits, to: &value)
            pairs[index].value = value
        } else {
            var value: [UInt8] = []
            NTLMWire.append(bits, to: &value)
            pairs.append(Pair(id: PairID.flags, value: value))
        }
    }

    /// Replaces or adds a pair.
    mutating func set(_ id: UInt16, to value: [UInt8]) {
        if let index = pairs.firstIndex(where: { $0.id == id }) {
            pairs[index].value = value
        } else {
            pairs.append(Pair(id: id, value: value))
        }
    }
}
