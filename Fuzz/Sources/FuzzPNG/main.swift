import FuzzDriver

runFuzzer { data, count in fuzzPNG(data, count) }
