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
    /// Values that share objects or contain opaque ones are converted recursively, one call per level, so the
    /// stack of the decoding thread bounds how high this may safely be set. Measured: about 9000 levels of
    /// `REDUCE` overflowed an 8 MiB stack under AddressSanitizer, and about 2300 overflowed a test task's stack in
    /// a debug build; keep it near the default unless the decoding thread's stack is known to be large.
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
