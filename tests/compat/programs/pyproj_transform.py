# pyproj: the PROJ C library opens proj.db by path from the data folder inside the package,
# through its bundled sqlite, which checks each folder with glibc's old __lxstat64
from pyproj import Transformer, CRS, Geod, datadir
import pyproj
t = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
x, y = t.transform(13.4, 52.5); print(round(x, 3), round(y, 3))
print(CRS.from_epsg(32633).name)
print(CRS.from_epsg(4326).to_wkt()[:60])
g = Geod(ellps="WGS84"); print(round(g.inv(0, 0, 1, 1)[2], 3))
print(pyproj.proj_version_str)
t2 = Transformer.from_crs(4326, 25832); print([round(v, 2) for v in t2.transform(50, 9)])
print(CRS("+proj=utm +zone=32 +datum=WGS84").to_epsg())
