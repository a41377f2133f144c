/// The renames Python 3 applies to the globals of protocol 0–2 pickles written by Python 2 (the facts of
/// CPython's `_compat_pickle`; the less common modules, such as the Tk and XML-RPC ones, are left out).
enum PythonTwoNames {
    /// Whole-name renames, `(module, name)` to `(module, name)`.
    static let names: [PythonGlobal: PythonGlobal] = {
        var table: [PythonGlobal: PythonGlobal] = [:]
        let pairs: [(String, String, String, String)] = [
            ("__builtin__", "xrange", "builtins", "range"),
            ("__builtin__", "reduce", "functools", "reduce"),
            ("__builtin__", "intern", "sys", "intern"),
            ("__builtin__", "unichr", "builtins", "chr"),
            ("__builtin__", "unicode", "builtins", "str"),
            ("__builtin__", "long", "builtins", "int"),
            ("__builtin__", "basestring", "builtins", "str"),
            ("itertools", "izip", "builtins", "zip"),
            ("itertools", "imap", "builtins", "map"),
            ("itertools", "ifilter", "builtins", "filter"),
            ("itertools", "ifilterfalse", "itertools", "filterfalse"),
            ("itertools", "izip_longest", "itertools", "zip_longest"),
            ("UserDict", "IterableUserDict", "collections", "UserDict"),
            ("UserDict", "UserDict", "collections", "UserDict"),
            ("UserList", "UserList", "collections", "UserList"),
            ("UserString", "UserString", "collections", "UserString"),
            ("exceptions", "StandardError", "builtins", "Exception"),
            ("_multiprocessing", "Connection", "multiprocessing.connection", "Connection"),
            ("multiprocessing.process", "Process", "multiprocessing.context", "Process"),
            ("multiprocessing.forking", "Popen", "multiprocessing.popen_fork", "Popen"),
            ("multiprocessing", "AuthenticationError", "multiprocessing.context", "AuthenticationError"),
            ("multiprocessing", "BufferTooShort", "multiprocessing.context", "BufferTooShort"),
            ("multiprocessing", "ProcessError", "multiprocessing.context", "ProcessError"),
            ("multiprocessing", "TimeoutError", "multiprocessing.context", "TimeoutError"),
            ("socket", "_socketobject", "socket", "SocketType"),
        ]
        for (module, name, newModule, newName) in pairs {
            table[PythonGlobal(module: module, name: name)] = PythonGlobal(module: newModule, name: newName)
        }
        return table
    }()

    /// Module renames, applied when no whole-name rename matches.
    static let modules: [String: String] = [
        "__builtin__": "builtins", "copy_reg": "copyreg", "Queue": "queue", "exceptions": "builtins",
        "SocketServer": "socketserver", "ConfigParser": "configparser", "repr": "reprlib", "thread": "_thread",
        "dummy_thread": "_dummy_thread", "cPickle": "pickle", "StringIO": "io", "cStringIO": "io",
        "UserDict": "collections", "UserList": "collections", "UserString": "collections", "_abcoll": "collections.abc",
        "httplib": "http.client", "urlparse": "urllib.parse", "urllib2": "urllib.request", "commands": "subprocess",
        "htmlentitydefs": "html.entities", "HTMLParser": "html.parser", "Cookie": "http.cookies",
        "cookielib": "http.cookiejar", "xmlrpclib": "xmlrpc.client", "markupbase": "_markupbase",
        "_winreg": "winreg", "anydbm": "dbm", "whichdb": "dbm", "dbm": "dbm.ndbm", "gdbm": "dbm.gnu",
        "dumbdbm": "dbm.dumb", "dbhash": "dbm.bsd", "test.test_support": "test.support",
        "robotparser": "urllib.robotparser", "_elementtree": "xml.etree.ElementTree",
    ]

    /// The Python 3 name of a global read from a protocol 0–2 stream.
    static func map(_ global: PythonGlobal) -> PythonGlobal {
        if let renamed = self.names[global] {
            return renamed
        }
        if let module = self.modules[global.module] {
            return PythonGlobal(module: module, name: global.name)
        }
        return global
    }
}
