import FuzzDriver

runFuzzer { data, count in fuzzWAV(data, count) }
