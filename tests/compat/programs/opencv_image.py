# opencv (cv2): its loader reads cv2/config.py and config-3.py as text and exec()s them, puts
# cv2/ first on sys.path and imports the extension cv2/cv2.abi3.so as `cv2`; its bundled
# libraries (opencv_python_headless.libs) and its data folder by path.
import os

import cv2
import numpy as np

img = np.zeros((20, 20, 3), np.uint8)
cv2.rectangle(img, (2, 2), (10, 10), (255, 0, 0), -1)
ok, png = cv2.imencode(".png", img)
print("encode", ok, png[:4].tolist())
back = cv2.imdecode(png, cv2.IMREAD_COLOR)
print("decode", back.shape, int(back[5, 5, 0]), int(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)[5, 5]))
cascades = cv2.data.haarcascades
print("data", os.path.isdir(cascades), sorted(set(os.listdir(cascades)) - {"__pycache__"}))
print("blur", int(cv2.GaussianBlur(img, (3, 3), 0)[2, 2, 0]))
