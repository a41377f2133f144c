#!/bin/bash
# Builds the libFuzzer targets: Fuzz/build.sh [target...] (default: all of them).
#
#   PickleReaderFuzz  -> Fuzz/.build/pickle-reader-fuzz
#   FrameDecoderFuzz  -> Fuzz/.build/frame-decoder-fuzz
#   HandshakeFuzz     -> Fuzz/.build/handshake-fuzz
#   DispatchFuzz      -> Fuzz/.build/dispatch-fuzz
#
# The fuzz targets are library targets that Package.swift declares only when SWIFT_MULTIPROCESSING_FUZZ is set.
# SwiftPM compiles each one and its dependencies (NIO, swift-crypto, BigInt, ...) with coverage instrumentation and
# AddressSanitizer into a separate build directory (Fuzz/.build/spm, release); swiftc then links the target's
# objects and its dependencies' into an executable whose `main` is libFuzzer's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/Fuzz/.build"
SPM="$OUT/spm"
ALL=(PickleReaderFuzz FrameDecoderFuzz HandshakeFuzz DispatchFuzz)
if [ $# -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi
mkdir -p "$OUT"
cd "$ROOT"
export SWIFT_MULTIPROCESSING_FUZZ=1
for target in "${TARGETS[@]}"; do
    case " ${ALL[*]} " in
        *" $target "*) ;;
        *) echo "unknown fuzz target '$target'; choose from: ${ALL[*]}" >&2; exit 2 ;;
    esac
done
# The link step below takes every object in the build directory, so every dependency of every target must be
# current there, not only the requested target's: build all four (incremental after the first time).
for target in "${ALL[@]}"; do
    swift build --target "$target" -c release --build-path "$SPM" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g
done
for target in "${TARGETS[@]}"; do
    BIN=$(cd "$SPM/release" && pwd -P)  # a symbolic link to the triple's directory; find does not follow it
    # Every object in the build directory belongs to a fuzz target or to a dependency of one; leave out the other
    # fuzz targets (each defines LLVMFuzzerTestOneInput) and plugin tools built for the host (*-tool.build, with
    # their own `main`). Object names may contain spaces ("Prime Test.swift.o").
    excludes=(-not -path "$BIN/*-tool.build/*")
    for other in "${ALL[@]}"; do
        [ "$other" = "$target" ] || excludes+=(-not -path "$BIN/$other.build/*")
    done
    mapfile -d '' OBJECTS < <(find "$BIN" -path "$BIN/*.build/*" -name '*.o' "${excludes[@]}" -print0)
    name=$(echo "$target" | sed -E 's/([a-z])([A-Z])/\1-\2/g' | tr '[:upper:]' '[:lower:]')
    # gold warns about every ASan helper symbol it cannot export ("Cannot export local symbol"); drop the noise.
    { swiftc -O -g -sanitize=fuzzer,address "${OBJECTS[@]}" -o "$OUT/$name" 2>&1 1>&3 \
        | { grep -v 'Cannot export local symbol' >&2 || true; }; } 3>&1
    echo "built $OUT/$name"
done
