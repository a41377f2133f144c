import NIOCore
import Testing

@testable import ManagerServer

/// Refusal and handshake-failure lines are rate-limited per reason and never carry raw control characters.
@Suite("Admission logging")
struct AdmissionLoggingTests {
    @Test("one line per reason per interval, with the count of the lines held back")
    func rateLimits() {
        var limiter = LogRateLimiter<String>(interval: .seconds(1))
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        #expect(limiter.lineLogged("a", at: start) == .log(suppressed: 0))
        #expect(limiter.lineLogged("a", at: start + .milliseconds(10)) == .suppress)
        #expect(limiter.lineLogged("a", at: start + .milliseconds(500)) == .suppress)
        #expect(limiter.lineLogged("b", at: start + .milliseconds(500)) == .log(suppressed: 0))
        #expect(limiter.lineLogged("a", at: start + .seconds(1)) == .log(suppressed: 2))
        #expect(limiter.lineLogged("a", at: start + .seconds(3)) == .log(suppressed: 0))
    }

    @Test(
        "control characters, separators and bidi overrides are escaped",
        arguments: [
            ("ok\nnotice : forged", "ok\\u{a}notice : forged"),
            ("a\r\u{1b}[31mred", "a\\u{d}\\u{1b}[31mred"),
            ("x\u{2028}y\u{202e}z", "x\\u{2028}y\\u{202e}z"),
            ("caf\u{e9} \\n", "caf\u{e9} \\n"),
        ]
    )
    func escapes(input: String, expected: String) {
        #expect(LogEscaping.escaped(input) == expected)
        #expect(LogEscaping.escaped(LogEscaping.escaped(input)) == expected)
    }

    @Test("long text is cut")
    func cuts() {
        let escaped = LogEscaping.escaped(String(repeating: "x", count: 3000))
        #expect(escaped == String(repeating: "x", count: LogEscaping.maxLength) + "…")
    }
}
