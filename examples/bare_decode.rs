//! Decode a clip's first audio track with symphonia and nothing else: the
//! floor that `benches/sync_vs_peers.py` compares `screenkit sync` with.
//!
//!     cargo build --release --example bare_decode
//!     target/release/examples/bare_decode CLIP

use std::fs::File;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::formats::FormatOptions;
use symphonia::core::formats::probe::Hint;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

// The same allocator as the screenkit binary, so the figures compare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bare_decode CLIP")?;
    let mss = MediaSourceStream::new(Box::new(File::open(&path)?), Default::default());
    let mut fmt = symphonia::default::get_probe().probe(
        &Hint::new(),
        mss,
        FormatOptions::default(),
        MetadataOptions::default(),
    )?;
    let (id, params) = fmt
        .tracks()
        .iter()
        .find_map(|t| match &t.codec_params {
            Some(CodecParameters::Audio(p)) => Some((t.id, p.clone())),
            _ => None,
        })
        .ok_or("no audio track")?;
    let mut dec = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())?;
    let mut frames = 0u64;
    while let Some(packet) = fmt.next_packet()? {
        if packet.track_id == id
            && let Ok(buf) = dec.decode(&packet)
        {
            frames += buf.frames() as u64;
        }
    }
    println!("{frames} frames");
    Ok(())
}
