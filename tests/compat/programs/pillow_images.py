# Pillow: image plugins loaded by name (PIL.Image.init imports *ImagePlugin modules), C
# extensions with their bundled libraries (pillow.libs: libpng, libwebp, libjpeg...), fonts.
import hashlib
import io

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps, features

img = Image.new("RGB", (64, 48), (20, 40, 60))
draw = ImageDraw.Draw(img)
draw.rectangle((8, 8, 40, 30), fill=(250, 200, 0), outline=(255, 0, 0))
draw.ellipse((30, 20, 60, 44), fill=(0, 160, 255))
draw.line((0, 47, 63, 0), fill=(255, 255, 255), width=2)
print("pixels", img.getpixel((10, 10)), img.getpixel((45, 32)), hashlib.sha256(img.tobytes()).hexdigest()[:16])

for fmt, opts in [("PNG", {"optimize": True}), ("WEBP", {"lossless": True}), ("JPEG", {"quality": 90}),
                  ("GIF", {}), ("BMP", {}), ("TIFF", {"compression": "tiff_deflate"})]:
    buf = io.BytesIO()
    img.save(buf, fmt, **opts)
    buf.seek(0)
    again = Image.open(buf)
    again.load()
    same = again.convert("RGB").tobytes() == img.tobytes()
    print("format", fmt, again.format, again.size, again.mode, "lossless" if same else "lossy")

exts = Image.registered_extensions()
print("registered", len(exts) >= 40, len(exts), Image.registered_extensions()[".webp"],
      Image.registered_extensions()[".png"])
print("open by name", sorted(f for f in ("PNG", "WEBP", "JPEG", "GIF", "TIFF", "ICO", "PPM") if f in Image.OPEN))
small = img.resize((16, 12), Image.Resampling.LANCZOS).filter(ImageFilter.GaussianBlur(1))
print("resize", small.size, hashlib.sha256(ImageOps.grayscale(small).tobytes()).hexdigest()[:16])
print("features", features.check("webp"), features.check("zlib"), features.check("jpg"), features.check("freetype2"))
font = ImageFont.load_default(size=12)
print("font", type(font).__name__, draw.textbbox((0, 0), "Hi", font=font)[2] > 0)
buf = io.BytesIO()
frames = [Image.new("L", (8, 8), i * 100) for i in range(3)]
frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)
buf.seek(0)
anim = Image.open(buf)
print("animated", anim.n_frames, anim.is_animated)
try:
    Image.open(io.BytesIO(b"not an image"))
except Image.UnidentifiedImageError as e:
    print("unidentified", type(e).__name__)
