/// A coding key for positions and dictionary keys, and the text of a coding path in error messages.
struct PythonCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }

    /// The key of the element at `index` of an unkeyed container.
    init(index: Int) {
        self.init(intValue: index)
    }

    /// The key `super`, which `superEncoder()` and `superDecoder()` use.
    static let superKey = PythonCodingKey(stringValue: "super")

    /// A coding path as text: `items[2].count` (positions and `Int` keys in brackets), or `the top level`.
    static func describe(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "the top level" }
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return "path \(text)"
    }
}
