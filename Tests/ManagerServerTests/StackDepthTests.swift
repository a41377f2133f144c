#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pickle
import Testing

@testable import ManagerServer

/// How much stack the recursive walks over a value take per level of nesting: each runs on a thread whose stack
/// is fresh zeroed memory, and the deepest byte written is the stack it used. The figures (printed, and in the DocC
/// of ``PickleLimits/maxDepth``) come from running `--filter StackDepthTests` in a debug and a release build.
@Suite("Stack used per nesting level")
struct StackDepthTests {
    /// The stack an I/O thread of the server gets: NIO leaves it to the system, glibc's default is `ulimit -s`
    /// (8 MiB here and on most Linux systems).
    static let ioThreadStack = 8 << 20
    static let depth = 1000

    /// `levels` lists, one inside the other, around `leaf`.
    static func nestedList(_ levels: Int, leaf: PythonValue = 1) -> PythonValue {
        var value = leaf
        for _ in 0..<levels {
            value = .list([value])
        }
        return value
    }

    /// A protocol-2 pickle of `levels` nested lists, each memoized, returned as `(outer, outer)` so the reader
    /// sees a shared value and converts the graph recursively.
    static func sharedNestedListPickle(_ levels: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x80, 2]
        for index in 0..<levels {
            let memoIndex = withUnsafeBytes(of: UInt32(index).littleEndian, Array.init)
            bytes += [UInt8(ascii: "]"), UInt8(ascii: "r")] + memoIndex
        }
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: levels - 1)
        bytes += [UInt8(ascii: "j")] + withUnsafeBytes(of: UInt32(0).littleEndian, Array.init)
        bytes += [0x86, UInt8(ascii: ".")]
        return bytes
    }

    /// The walks measured, each building its input outside the measured thread and running one operation on it.
    static let walks: [(String, @Sendable (Int) -> @Sendable () -> Void)] = [
        ("==", { levels in
            let (a, b) = (Self.nestedList(levels), Self.nestedList(levels))
            return { _ = a == b }
        }),
        ("hash", { levels in
            let value = Self.nestedList(levels)
            return { _ = value.hashValue }
        }),
        ("<", { levels in
            let (a, b) = (Self.nestedList(levels, leaf: 1), Self.nestedList(levels, leaf: 2))
            return { _ = try? a.isLess(than: b) }
        }),
        ("repr", { levels in
            let value = Self.nestedList(levels)
            return { _ = value.repr }
        }),
        ("pickle writer", { levels in
            let value = Self.nestedList(levels)
            return { _ = try? PickleWriter().write(value) }
        }),
        ("pickle reader", { levels in
            let bytes = try? PickleWriter(protocolVersion: 2).write(Self.nestedList(levels))
            let reader = PickleReader(limits: PickleLimits(maxDepth: levels + 1))
            return { _ = try? reader.read(bytes ?? []) }
        }),
        ("pickle reader, shared", { levels in
            let bytes = Self.sharedNestedListPickle(levels)
            let reader = PickleReader(limits: PickleLimits(maxDepth: levels + 1))
            return { _ = try? reader.read(bytes) }
        }),
        ("nestingDepth", { levels in
            let value = Self.nestedList(levels)
            return { _ = value.exceedsDepth(levels) }
        }),
        ("release", { levels in
            let box = ValueBox(Self.nestedList(levels))
            return { box.value = .none }
        }),
    ]

    /// What the frames below a walk may take on an I/O thread: the event loop, the pipeline, the store's dispatch.
    static let framesBelow = 1 << 20

    @Test("every walk at the deepest value the server accepts fits an I/O thread's stack", arguments: walks)
    func stackPerLevel(name: String, walk: @Sendable (Int) -> @Sendable () -> Void) throws {
        let deepest = ManagerServer.Configuration.maxValueDepth
        let shallow = try Self.stackUsed(by: walk(1))
        let deep = try Self.stackUsed(by: walk(Self.depth))
        let atLimit = try Self.stackUsed(by: walk(deepest))
        let perLevel = Double(deep - shallow) / Double(Self.depth - 1)
        print(
            "stack \(name): \(shallow) bytes at depth 1, \(deep) at depth \(Self.depth) "
                + "(\(Int(perLevel.rounded())) per level), \(atLimit) at depth \(deepest)"
        )
        #expect(
            atLimit < Self.ioThreadStack - Self.framesBelow,
            "\(name) takes \(atLimit) bytes of stack at depth \(deepest), too close to a thread's \(Self.ioThreadStack)"
        )
    }

    /// Runs `body` on a new thread whose stack is `size` bytes of fresh zeroed memory above a guard page and
    /// returns how much of it `body` wrote to (the thread's own start-up frames and descriptor included).
    static func stackUsed(by body: @escaping @Sendable () -> Void, size: Int = 64 << 20) throws -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        guard let region = mmap(nil, size, PROT_READ | PROT_WRITE, flags, -1, 0),
            region != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw StackMeasurementError("mmap of \(size) bytes failed: errno \(errno)") }
        defer { munmap(region, size) }
        guard mprotect(region, page, PROT_NONE) == 0 else { throw StackMeasurementError("mprotect failed") }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstack(&attributes, region, size) == 0 else {
            throw StackMeasurementError("pthread_attr_setstack failed")
        }
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let created = pthread_create(
            &thread, &attributes,
            { raw in
                guard let raw else { return nil }
                Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().body()
                return nil
            },
            context
        )
        guard created == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            throw StackMeasurementError("pthread_create failed: \(created)")
        }
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        if let thread { pthread_join(thread, nil) }
        #endif
        let words = region.advanced(by: page).assumingMemoryBound(to: UInt64.self)
        let count = (size - page) / 8
        var untouched = 0
        while untouched < count, words[untouched] == 0 {
            untouched += 1
        }
        return (count - untouched) * 8
    }
}

/// A closure handed to a new thread through its start routine's context pointer.
private final class ThreadBody: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }
}

/// A value whose last reference is dropped on the measured thread.
private final class ValueBox: @unchecked Sendable {
    var value: PythonValue
    init(_ value: PythonValue) {
        self.value = value
    }
}

/// Why a stack could not be measured.
struct StackMeasurementError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) {
        self.description = description
    }
}
