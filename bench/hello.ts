// The floor for start-up, size and memory: a hello-world single executable built by the same
// pipeline as upkeep (bundle → blob with code cache → stripped Node 22).
process.stdout.write("Usage: hello [OPTIONS]\n\nOptions:\n  -h, --help  Print help\n");
