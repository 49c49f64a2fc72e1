/// HMAC (RFC 2104) over our MD5: NTLMv2's one-way functions, proofs and keys are all HMAC-MD5.
enum HMACMD5 {
    private static let blockSize = 64

    static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        // Keys longer than a block are hashed first; shorter ones are zero-padded (RFC 2104 §2).
        var paddedKey = key.count > blockSize ? MD5.hash(key) : Array(key)
        paddedKey += [UInt8](repeating: 0, count: blockSize - paddedKey.count)
        let inner = MD5.hash(paddedKey.map { $0 ^ 0x36 } + Array(message))
        return MD5.hash(paddedKey.map { $0 ^ 0x5C } + inner)
    }
}
