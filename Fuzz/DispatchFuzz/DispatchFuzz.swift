/// libFuzzer entry point for the server's request path, without sockets.
///
/// Input layout: byte 0 picks a SyncManager typeid to create before anything else (so method calls reach a live
/// object from the first run); the rest is records `[opcode][length][payload]`, run in order by ``DispatchRun``:
/// - `0x00`–`0x3F`, a raw record: the payload is a pickled ``Request``, decoded with ``PickleReader`` (small
///   limits); bit 0 clear: a method call, with bit 3 set on one of the objects created so far (bits 4–5 pick
///   which); bit 0 set: a server function, charged to the connection when bit 3 is set; bits 1–2 pick one of four
///   connections;
/// - `0x40`–`0x7F`, a structured method call: bits 0–1 pick the connection, bits 2–4 the object (0 is the one
///   created last); payload byte 0 picks the method from the object's exposed and accepted names (read from
///   `HostedType`, so new methods are covered) and CPython's fallbacks; byte 1 is the shape (positional and
///   keyword counts, repetitions); the rest describes the arguments, one ``ValueKind`` byte per value and its
///   operands, keyword names from ``CallTables/keywords``;
/// - `0x80`–`0xBF`, a structured `create`: payload byte 0 picks the type id, then a shape and arguments;
/// - `0xC0`–`0xFD`, a structured server function: payload byte 0 picks it, then a shape and arguments; in both,
///   bits 0–1 pick the connection and bit 2 charges the references to it;
/// - `0xFF`: the clock moves on by the length in seconds (deadlines of parked calls pass);
///   `0xFE`: the connection picked by the length byte closes.
///
/// Sizes (container lengths, digits, text lengths, depths) are drawn through a ``WorkBudget``: small ones from
/// almost every byte, bounded in total per input; large ones (1,000 elements or digits and more) only after the
/// byte ``WorkBudget/largeGate``, at most one per input, and only in inputs the budget ``WorkBudget/permitsLarge``
/// (one in ``WorkBudget/permitModulus`` by hash), so they stay rare in the fuzzer's mutations without being lost.
/// `DISPATCH_FUZZ_STATS=N` prints every N inputs how many generated each ``ValueKind`` (``KindCensus``).
///
/// A repeated call generates its arguments afresh each time, so a ``ValueKind/growingPath`` reaches one level
/// further per call (nesting that grows across requests). At the end the clock moves on an hour and every
/// connection closes. Checks: each call is answered at most once; every answer encodes with ``PickleWriter`` as
/// the server would send it; no crash, no sanitizer report, no hang (a call may stay parked); a call slower
/// than a second is printed.
@_cdecl("LLVMFuzzerTestOneInput")
public func dispatchFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    DispatchRun(Array(UnsafeBufferPointer(start: data, count: size))).run()
    return 0
}
