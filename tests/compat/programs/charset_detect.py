# charset-normalizer (mypyc-compiled md module; codecs imported by name from `encodings`):
# detecting the encoding of bytes, as requests does for a response without a charset.
import charset_normalizer
from charset_normalizer import from_bytes, is_binary

samples = {
    "utf_8": "Größe, naïve café — ça marche. Ünïcödé everywhere. 日本語も少し。".encode("utf_8"),
    "cp1251": "Съешь же ещё этих мягких французских булок да выпей чаю. Проверка кодировки.".encode("cp1251"),
    "shift_jis": "これは日本語の文章です。文字コードの判定を試しています。よろしくお願いします。".encode("shift_jis"),
    "gb18030": "这是一个用于测试字符编码检测的中文句子，希望它能够被正确识别。".encode("gb18030"),
    "utf_16": "Hello, wide world! Ça va?".encode("utf_16"),
    "ascii": b"plain ascii text, nothing special here at all",
}
for name, data in samples.items():
    best = from_bytes(data).best()
    print("detect", name, best is not None and str(best) == data.decode(name), best.language if best else None)
print("binary", is_binary(bytes(range(256)) * 4), is_binary(b"just some text"))
result = charset_normalizer.detect("Tämä on suomenkielinen lause, jossa on ääkkösiä.".encode("latin_1"))
print("detect()", sorted(result), result["encoding"] is not None)
print("version", charset_normalizer.__version__.split(".")[0], charset_normalizer.md.__file__.endswith(".so"))
