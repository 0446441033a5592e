#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| plexus::server::fuzz_entry::bolt_handshake(data));
