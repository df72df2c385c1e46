//! Any bytes as a media file through probe's path (symphonia's probe, the
//! track headers, and with `deep` every packet decoded into the loudness
//! meter), under each container's extension hint. Must never panic: any
//! header value gives a clear problem or error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use screenkit::media::probe::probe_bytes;

const HINTS: [&str; 7] = ["wav", "mp4", "mkv", "ogg", "flac", "mp3", "m4a"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let ext = HINTS[usize::from(pick) % HINTS.len()];
    let _ = probe_bytes(bytes.to_vec(), Some(ext), true);
});
