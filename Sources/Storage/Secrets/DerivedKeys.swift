import Crypto
import Foundation

extension MasterKeyring {
    /// A key for one purpose (CSRF tokens, signed cookies) derived from the current master key,
    /// so a leak of one derived key reveals neither the master key nor the others.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: current.rawBytes),
            salt: Data("smartysales derived key".utf8),
            info: Data(purpose.utf8),
            outputByteCount: 32)
    }
}
