import Testing
@testable import TextEmbedding

@Suite("WordPieceTokenizer")
struct WordPieceTokenizerTests {
    static let tokenizer: WordPieceTokenizer? = {
        guard ModelFiles.vocabularyAvailable else { return nil }
        return try? WordPieceTokenizer(contentsOfFile: ModelFiles.directory + "/vocab.txt")
    }()

    @Test(
        "token ids equal the reference for every fixture sentence",
        .enabled(if: ModelFiles.vocabularyAvailable, "vocab.txt missing: run Scripts/fetch-minilm.sh"),
        arguments: ReferenceFixture.shared.sentences)
    func referenceIDs(sentence: ReferenceFixture.Sentence) throws {
        let tokenizer = try #require(Self.tokenizer)
        #expect(tokenizer.encode(sentence.text) == sentence.input_ids, "tokens: \(sentence.tokens)")
    }
}

/// Tokenizer tests that need no model download: a vocabulary rebuilt from the token
/// strings the fixture records, with every other id filled by an entry the cleaning
/// step makes unreachable (a private-use character). Greedy longest match picks the same
/// pieces from this subset, because every piece the reference chose is in it and no
/// longer piece can be.
@Suite("WordPieceTokenizer without the model files")
struct WordPieceTokenizerFixtureVocabularyTests {
    static let tokenizer: WordPieceTokenizer = {
        var vocabulary: [String] = []
        for sentence in ReferenceFixture.shared.sentences {
            for (id, token) in zip(sentence.input_ids, sentence.tokens) {
                while vocabulary.count <= id { vocabulary.append("\u{E000}\(vocabulary.count)") }
                vocabulary[id] = token
            }
        }
        return try! WordPieceTokenizer(vocabulary: vocabulary)
    }()

    @Test("token ids equal the reference", arguments: ReferenceFixture.shared.sentences)
    func referenceIDs(sentence: ReferenceFixture.Sentence) {
        #expect(Self.tokenizer.encode(sentence.text) == sentence.input_ids, "tokens: \(sentence.tokens)")
    }

    @Test("special-token strings are matched case-sensitively inside words")
    func specialTokens() throws {
        let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##b", "[", "]", "cl", "##s"]
        let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        #expect(tokenizer.encode("a[MASK]ab") == [2, 5, 4, 5, 6, 3])
        #expect(tokenizer.encode("[cls]") == [2, 7, 9, 10, 8, 3])
        #expect(tokenizer.encode("") == [2, 3])
    }

    @Test("truncation keeps [CLS] and [SEP] and may cut a word between pieces")
    func truncation() throws {
        let tokenizer = try WordPieceTokenizer(
            vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##b"], maximumLength: 4)
        #expect(tokenizer.encode("abbb a") == [2, 4, 5, 3])
    }

    @Test("words over the character limit and words with unmatched pieces become [UNK]")
    func unknownWords() throws {
        let tokenizer = try WordPieceTokenizer(
            vocabulary: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "##a", "b"], maximumCharactersPerWord: 3)
        #expect(tokenizer.encode("aaa aaaa ab b") == [2, 4, 5, 5, 1, 1, 6, 3])
    }

    @Test("a vocabulary without [CLS] is rejected")
    func missingSpecialToken() {
        #expect(throws: TextEmbeddingError.invalidVocabulary(path: "<vocabulary>", reason: "no [CLS] entry")) {
            try WordPieceTokenizer(vocabulary: ["[PAD]", "[UNK]", "[SEP]"])
        }
    }
}
