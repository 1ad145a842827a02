import FuzzDriver

runFuzzer { data, count in fuzzModelFile(data, count) }
