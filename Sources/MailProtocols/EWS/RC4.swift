/// RC4, only for NTLM key exchange: with NTLMSSP_NEGOTIATE_KEY_EXCH the client's random session
/// key travels RC4-encrypted under the key exchange key (MS-NLMP §3.1.5.1.2). Nothing is sealed
/// with it over HTTP; it is here so the AUTHENTICATE message is the one Windows would send.
enum RC4 {
    static func apply(key: [UInt8], to data: [UInt8]) -> [UInt8] {
        guard !key.isEmpty else { return data }
        var state = (0...255).map { UInt8($0) }
        var j = 0
        for i in 0..<256 {
            j = (j + Int(state[i]) + Int(key[i % key.count])) & 0xFF
            state.swapAt(i, j)
        }
        var i = 0
        j = 0
        return data.map { byte in
            i = (i + 1) & 0xFF
            j = (j + Int(state[i])) & 0xFF
            state.swapAt(i, j)
            return byte ^ state[(Int(state[i]) + Int(state[j])) & 0xFF]
        }
    }
}
