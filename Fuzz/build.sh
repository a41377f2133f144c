#!/bin/bash
# Builds the libFuzzer target for PickleReader as Fuzz/.build/pickle-reader-fuzz.
#
# SwiftPM compiles Pickle and its dependencies (BigInt, OrderedCollections) with coverage instrumentation and
# AddressSanitizer into a separate build directory; swiftc then links the fuzz entry point against their objects.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/Fuzz/.build"
SPM="$OUT/spm"
mkdir -p "$OUT"
cd "$ROOT"
swift build --target Pickle -c release --build-path "$SPM" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -g
BIN="$SPM/release"
# Object file names contain spaces (BigInt's "Prime Test.swift.o").
mapfile -d '' OBJECTS < <(find "$BIN/Pickle.build" "$BIN/BigInt.build" "$BIN/OrderedCollections.build" \
    "$BIN/InternalCollectionsUtilities.build" -name '*.o' -print0)
swiftc -O -g -sanitize=fuzzer,address -parse-as-library -swift-version 6 \
    -I "$BIN/Modules" "${OBJECTS[@]}" "$ROOT/Fuzz/PickleReaderFuzz/main.swift" -o "$OUT/pickle-reader-fuzz"
echo "built $OUT/pickle-reader-fuzz"
