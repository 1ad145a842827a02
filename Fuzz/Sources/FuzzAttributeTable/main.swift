import FuzzDriver

runFuzzer { data, count in fuzzAttributeTable(data, count) }
