import Pickle

/// libFuzzer entry point: any input must either decode or fail with a `PickleError`, never crash or hang. A
/// decoded value must also re-encode, and the re-encoding must decode again.
@_cdecl("LLVMFuzzerTestOneInput")
public func pickleReaderFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    let reader = PickleReader(limits: PickleLimits(maxInputSize: 1 << 20, maxDepth: 200, maxIntegerBytes: 4096))
    guard let value = try? reader.read(buffer) else { return 0 }
    for protocolVersion in 2...5 {
        guard let bytes = try? PickleWriter(protocolVersion: protocolVersion).write(value) else { continue }
        do {
            _ = try reader.read(bytes)
        } catch {
            fatalError("re-encoding with protocol \(protocolVersion) does not decode: \(error)")
        }
    }
    return 0
}
