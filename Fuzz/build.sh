#!/bin/sh
# Builds the libFuzzer target for PickleReader: Fuzz/.build/pickle-reader-fuzz.
# Needs the package's dependencies checked out (run `swift build --target Pickle` once first).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/Fuzz/.build"
mkdir -p "$OUT/modules"
CHECKOUTS="$ROOT/.build/checkouts"
FLAGS="-sanitize=fuzzer,address -parse-as-library -O -g -swift-version 6"

# Collections (only the parts Pickle uses: OrderedCollections and its internal helpers).
swiftc $FLAGS -sanitize=address -emit-module -emit-object -module-name InternalCollectionsUtilities \
    -parse-as-library -o "$OUT/InternalCollectionsUtilities.o" -emit-module-path "$OUT/modules/InternalCollectionsUtilities.swiftmodule" \
    $(find "$CHECKOUTS/swift-collections/Sources/InternalCollectionsUtilities" -name '*.swift') 2>/dev/null || true
swiftc -O -g -parse-as-library -sanitize=address -emit-library -static -module-name OrderedCollections \
    -I "$OUT/modules" -emit-module-path "$OUT/modules/OrderedCollections.swiftmodule" -o "$OUT/libOrderedCollections.a" \
    $(find "$CHECKOUTS/swift-collections/Sources/OrderedCollections" "$CHECKOUTS/swift-collections/Sources/InternalCollectionsUtilities" -name '*.swift')
swiftc -O -g -parse-as-library -sanitize=address -emit-library -static -module-name BigInt \
    -emit-module-path "$OUT/modules/BigInt.swiftmodule" -o "$OUT/libBigInt.a" \
    $(find "$CHECKOUTS/BigInt/Sources" -name '*.swift')
swiftc -O -g -parse-as-library -sanitize=address -emit-library -static -module-name Pickle \
    -I "$OUT/modules" -emit-module-path "$OUT/modules/Pickle.swiftmodule" -o "$OUT/libPickle.a" \
    $(find "$ROOT/Sources/Pickle" -name '*.swift')
swiftc $FLAGS -I "$OUT/modules" -L "$OUT" -lPickle -lBigInt -lOrderedCollections \
    "$ROOT/Fuzz/PickleReaderFuzz/main.swift" -o "$OUT/pickle-reader-fuzz"
echo "built $OUT/pickle-reader-fuzz"
