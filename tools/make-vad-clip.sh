#!/bin/sh
# Makes test/fixtures/vad/clip.wav: 10 s of 16 kHz mono 16-bit PCM, two espeak-ng sentences with
# silences between (1 s, speech, 1.5 s, speech, 1 s, cut to 10 s), for the Silero VAD tests and
# demo. Needs espeak-ng and sox. espeak-ng and sox versions (and sox's dither) change the samples,
# so a rerun gives a clip like the committed one, not the same bytes: after regenerating, rerun
# tools/gen-vad-reference.mjs too (the reference probabilities are computed from the WAV).
set -eu
out="${1:-test/fixtures/vad/clip.wav}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en -s 150 -w "$tmp/s1.wav" "The quick brown fox jumps over the lazy dog."
espeak-ng -v en -s 150 -w "$tmp/s2.wav" "Voice activity detection runs in the browser."
sox "$tmp/s1.wav" -r 16000 -c 1 -b 16 "$tmp/s1r.wav"
sox "$tmp/s2.wav" -r 16000 -c 1 -b 16 "$tmp/s2r.wav"
sox -n -r 16000 -c 1 -b 16 "$tmp/sil1.wav" trim 0 1
sox -n -r 16000 -c 1 -b 16 "$tmp/sil2.wav" trim 0 1.5
sox "$tmp/sil1.wav" "$tmp/s1r.wav" "$tmp/sil2.wav" "$tmp/s2r.wav" "$tmp/sil1.wav" "$tmp/clip0.wav"
sox "$tmp/clip0.wav" "$out" trim 0 10
echo "wrote $out ($(soxi -s "$out") samples)"
