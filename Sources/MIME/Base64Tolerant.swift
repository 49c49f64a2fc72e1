/// Base64 as mail really sends it: line breaks and garbage between groups are skipped, missing
/// padding is forgiven, and the caller learns whether anything had to be skipped.
public enum Base64Tolerant {
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = Int8(index)
        }
        // The URL-safe alphabet shows up in the wild too.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    public static func decode(_ input: some Collection<UInt8>) -> (bytes: [UInt8], sawGarbage: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var count = 0
        var sawGarbage = false
        var sawPadding = false
        for byte in input {
            let value = values[Int(byte)]
            if value < 0 {
                if byte == UInt8(ascii: "=") {
                    sawPadding = true
                } else if byte != 0x0D, byte != 0x0A, byte != 0x20, byte != 0x09 {
                    sawGarbage = true
                }
                continue
            }
            if sawPadding {
                // Data after padding: concatenated base64 blobs; keep decoding.
                sawPadding = false
            }
            accumulator = accumulator << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
                count = 0
            }
        }
        switch count {
        case 2:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        case 1:
            sawGarbage = true
        default:
            break
        }
        return (output, sawGarbage)
    }
}
