/// A growable array for a decoder's working state that starts in memory lent by its caller (usually a stack
/// allocation) and moves to the heap only when it outgrows it.
///
/// Decoding a typical manager message needs a few stack slots, memo entries and marks; lending them from
/// `withUnsafeTemporaryAllocation` spares three heap allocations per message. Elements move in and out without
/// reference counting: ``base`` gives raw access, and ``removeMoved(from:)`` forgets elements already moved out.
struct ScratchBuffer<Element>: ~Copyable {
    /// The first element; valid until the next call that adds elements.
    private(set) var base: UnsafeMutablePointer<Element>
    /// The number of initialized elements, at the start of ``base``.
    private(set) var count = 0
    private var capacity: Int
    /// Whether ``base`` was allocated here (after growing) rather than lent.
    private var ownsStorage = false

    /// A buffer in `storage`, which must be uninitialized, non-empty and outlive the buffer.
    init(lending storage: UnsafeMutableBufferPointer<Element>) {
        precondition(storage.count > 0, "a scratch buffer needs lent storage for at least one element")
        // The precondition guarantees a base address.
        self.base = storage.baseAddress.unsafelyUnwrapped
        self.capacity = storage.count
    }

    deinit {
        self.base.deinitialize(count: self.count)
        if self.ownsStorage {
            self.base.deallocate()
        }
    }

    /// The element at `index`, which must be below ``count``.
    @inline(__always)
    subscript(index: Int) -> Element {
        unsafeAddress { UnsafePointer(self.base + index) }
        nonmutating unsafeMutableAddress { self.base + index }
    }

    /// The last element, `nil` when empty.
    @inline(__always)
    var last: Element? {
        self.count > 0 ? self.base[self.count &- 1] : nil
    }

    /// Adds `element` at the end.
    @inline(__always)
    mutating func append(_ element: Element) {
        self.reserveOne()
        (self.base + self.count).initialize(to: element)
        self.count &+= 1
    }

    /// Inserts `element` at `index`, moving the elements from there up by one.
    @inline(__always)
    mutating func insert(_ element: Element, at index: Int) {
        self.reserveOne()
        (self.base + (index &+ 1)).moveInitialize(from: self.base + index, count: self.count &- index)
        (self.base + index).initialize(to: element)
        self.count &+= 1
    }

    /// Removes and returns the last element, which must exist.
    @inline(__always)
    mutating func removeLast() -> Element {
        self.count &-= 1
        return (self.base + self.count).move()
    }

    /// Forgets the elements from `start` on, which the caller has already moved out or deinitialized.
    @inline(__always)
    mutating func removeMoved(from start: Int) {
        self.count = start
    }

    @inline(__always)
    private mutating func reserveOne() {
        guard self.count == self.capacity else { return }
        self.grow()
    }

    @inline(never)
    private mutating func grow() {
        let capacity = self.capacity &* 2
        let storage = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        storage.moveInitialize(from: self.base, count: self.count)
        if self.ownsStorage {
            self.base.deallocate()
        }
        self.base = storage
        self.capacity = capacity
        self.ownsStorage = true
    }
}
