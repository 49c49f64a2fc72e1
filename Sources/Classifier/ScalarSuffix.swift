/// Suffix tests on words held as arrays of scalars, which both stemmers cut from the end.
extension Array where Element == Unicode.Scalar {
    func hasSuffix(_ suffix: [Unicode.Scalar]) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }

    init(scalarsOf text: String) {
        self.init(text.unicodeScalars)
    }

    var string: String {
        String(String.UnicodeScalarView(self))
    }
}
