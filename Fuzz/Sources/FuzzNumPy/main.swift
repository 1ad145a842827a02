import FuzzDriver

runFuzzer { data, count in fuzzNumPy(data, count) }
