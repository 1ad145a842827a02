import FuzzDriver

runFuzzer { data, count in fuzzJPEG(data, count) }
