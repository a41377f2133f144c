import Pickle

/// The positional and keyword arguments of one call, as a Python client sent them.
package struct CallArguments {
    /// Positional arguments.
    package var positional: [PythonValue]
    /// Keyword arguments (`str` keys).
    package var keywords: PythonDict

    /// Arguments for a call.
    package init(_ positional: [PythonValue] = [], keywords: PythonDict = PythonDict()) {
        self.positional = positional
        self.keywords = keywords
    }
}
