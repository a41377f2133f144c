/// Bounds that a ``PickleReader`` enforces on untrusted input.
///
/// Every limit turns an oversized or hostile pickle into a ``PickleError`` with code
/// ``PickleError/Code/limitExceeded`` before memory is allocated for it. A declared length larger than the bytes
/// that remain is always ``PickleError/Code/truncatedInput``, whatever the limits.
public struct PickleLimits: Sendable, Hashable {
    /// The largest pickle accepted, in bytes. Default 256 MiB.
    public var maxInputSize: Int
    /// The deepest nesting of containers and objects in the decoded value. Default 1000 (Python's own recursion
    /// limit is of the same order).
    ///
    /// Decoding a plain value is iterative, but several walks over a value recurse once per level: the reader's
    /// conversion of a value that shares parts (memo `GET`) or contains opaque objects, `==`, hashing, `<`
    /// (``PythonValue/isLess(than:)``, and so sorting), and the ``PickleWriter``. The stack of the thread that runs
    /// them bounds how high this may safely be set. Measured with nested lists on x86_64 Linux (Swift 6.3, debug
    /// build; `StackDepthTests` in ManagerServerTests prints the figures), bytes of stack per level and in all at
    /// depth 1000:
    ///
    /// | walk | per level | at depth 1000 |
    /// | --- | --- | --- |
    /// | reader, shared value | 6.2 KiB | 6.1 MiB |
    /// | ``PickleWriter`` | 4.3 KiB | 4.2 MiB |
    /// | `==`, `<` | 3.6 KiB | 3.5 MiB |
    /// | hashing | 1.9 KiB | 1.8 MiB |
    /// | `repr` (stops at 400 levels) | 1.1 KiB | 1.1 MiB |
    /// | reader, plain value; releasing a value | 0.2 KiB | 0.2 MiB |
    ///
    /// The manager server runs them on its NIO threads, which get the system's default thread stack (on Linux,
    /// `ulimit -s`: 8 MiB by default, but 2 MiB when it is unlimited); the main thread has 8 MiB. At the default
    /// of 1000 the deepest walk leaves about 2 MiB of an 8 MiB stack in a debug build, so the server refuses a
    /// limit above 1100. Keep it near the default unless the decoding thread's stack is known to be large.
    public var maxDepth: Int
    /// The most memo entries a pickle may store. Default 1 000 000.
    public var maxMemoEntries: Int
    /// The largest integer accepted: bytes of a `LONG4` argument, or digits of an `INT`/`LONG` text. Default 1 MiB.
    public var maxIntegerBytes: Int
    /// The most items one container (list, tuple, dict, set) may hold. Default 64 Mi items.
    public var maxContainerLength: Int

    /// How much work, per byte of input, walking a value that repeats shared values may take. Default 64.
    ///
    /// A pickle can push one immutable value many times (`DUP`, memo `GET`), so a small pickle can decode to a
    /// value whose tree is exponentially large even though its storage is shared. When a pickle does that, the
    /// reader walks its dict keys, set elements and value under a budget of this many nodes per input byte (at
    /// least 16 KiB of input); see ``PickleReader``. Pickles without such sharing are never walked. A value that
    /// shares a 1000-element tuple from 1000 places is within the default.
    public var maxSharedExpansion: Int
    /// Limits with the given values; every argument has a safe default.
    public init(
        maxInputSize: Int = 256 * 1024 * 1024,
        maxDepth: Int = 1000,
        maxMemoEntries: Int = 1_000_000,
        maxIntegerBytes: Int = 1024 * 1024,
        maxContainerLength: Int = 64 * 1024 * 1024,
        maxSharedExpansion: Int = 64
    ) {
        self.maxInputSize = maxInputSize
        self.maxDepth = maxDepth
        self.maxMemoEntries = maxMemoEntries
        self.maxIntegerBytes = maxIntegerBytes
        self.maxContainerLength = maxContainerLength
        self.maxSharedExpansion = maxSharedExpansion
    }
}
