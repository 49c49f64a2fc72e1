/// Suffix tests on words held as arrays of scalars, which both stemmers cut from the end.
extension Array where Element == Unicode.Scalar {
    func hasSuffix(_ suffix: [Unicode.Scalar]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }

    init(scalarsOf text: String) {
        self.init(text.unicodeScalars)
    }

    /// The scalars as a string, written straight as UTF-8: appending them one by one to a
    /// `String.UnicodeScalarView` cost more than stemming the word.
    var string: String {
        String(unsafeUninitializedCapacity: count * 4) { buffer in
            var written = 0
            for scalar in self {
                UTF8.encode(scalar) { unit in
                    buffer[written] = unit
                    written += 1
                }
            }
            return written
        }
    }
}
