"""Draw the documents for the Brackenford Services scenario.

Run from anywhere:

    QT_QPA_PLATFORM=offscreen python tools/make_brackenford_documents.py

It writes PNG files into assets/brackenford-services/ (from the repository root):

- cmr-consignment-note.png  the CMR note found in the Koval Logistics cab
- tachograph-printout.png   the driver-card daily printout PC Hale took at the scene
- services-map.png          a plan of Brackenford Services (M47 northbound)
- nccu-intelligence-form.png  the NCCU intelligence return, part pre-filled

Everything on them is fictional. The output is deterministic: no randomness, no dates
taken from the machine. Every fact a trainee needs is also in the media `alt` text of
scenarios/brackenford-services.yaml; keep the two in step if you change anything here.
"""

from __future__ import annotations

from pathlib import Path

from document_drawing import (
    ASSETS,
    INK,
    MONO,
    SANS,
    SANS_COND,
    SERIF,
    draw_documents,
    exit_now,
    font,
    new_image,
    save,
    text,
)
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

OUT = ASSETS / "brackenford-services"

FORM_RED = QColor("#b3262d")      # pre-printed CMR rules and captions
PEN_BLUE = QColor("#1f3f9a")      # hand-filled entries
PENCIL = QColor("#5b4a2f")        # officer's annotations


# --------------------------------------------------------------------------- CMR note

def cmr_box(p: QPainter, x: float, y: float, w: float, h: float, num: str, caption: str,
            entry: str = "", entry_px: int = 19, entry_bold: bool = False) -> None:
    p.setPen(QPen(FORM_RED, 2))
    p.setBrush(Qt.NoBrush)
    p.drawRect(QRectF(x, y, w, h))
    # number in a small filled square
    p.setBrush(FORM_RED)
    p.drawRect(QRectF(x, y, 30, 24))
    text(p, x, y + 2, num, font(SANS, 15, bold=True), QColor("white"), 30, 22, Qt.AlignHCenter | Qt.AlignTop)
    text(p, x + 36, y + 3, caption, font(SANS_COND, 14), FORM_RED, w - 42, 40)
    if entry:
        text(p, x + 14, y + 30, entry, font(SANS, entry_px, bold=entry_bold, italic=True), PEN_BLUE, w - 24, h - 34)


def stamp(p: QPainter, cx: float, cy: float, r: float, top: str, mid: str, colour: QColor) -> None:
    p.save()
    p.translate(cx, cy)
    p.rotate(-12)
    p.setPen(QPen(colour, 4))
    p.setBrush(Qt.NoBrush)
    p.drawEllipse(QPointF(0, 0), r, r * 0.62)
    p.setPen(QPen(colour, 2))
    p.drawEllipse(QPointF(0, 0), r - 10, r * 0.62 - 10)
    text(p, -r, -r * 0.42, top, font(SANS, 17, bold=True), colour, 2 * r, 30, Qt.AlignHCenter)
    text(p, -r, -6, mid, font(SANS, 14, bold=True), colour, 2 * r, 30, Qt.AlignHCenter)
    p.restore()


def make_cmr(path: Path) -> None:
    W, H = 1200, 1600
    img, p = new_image(W, H, "#fbf8ef")
    M = 40
    # header
    p.setPen(QPen(FORM_RED, 3))
    p.drawRect(QRectF(M, M, W - 2 * M, H - 2 * M))
    text(p, M + 14, M + 10, "CMR", font(SERIF, 54, bold=True), FORM_RED, 200, 70)
    text(p, M + 170, M + 16, "INTERNATIONAL CONSIGNMENT NOTE", font(SANS, 26, bold=True), FORM_RED, 700, 40)
    text(p, M + 170, M + 52,
         "Road carriage under the CMR Convention, whatever any other term of contract may say.",
         font(SANS_COND, 15), FORM_RED, 760, 30)
    text(p, W - M - 260, M + 12, "Copy 3 – carrier", font(SANS, 17, bold=True), FORM_RED, 240, 30, Qt.AlignRight)
    text(p, W - M - 260, M + 40, "No.  KL-26-004417", font(MONO, 20, bold=True), INK, 240, 30, Qt.AlignRight)

    x0, x1, x2 = M, W // 2, W - M
    half = x1 - x0
    y = M + 90
    cmr_box(p, x0, y, half, 150, "1", "Sender (name, address, country)",
            "Agro Verde Fresh\nPackhouse 2, Velmora Industrial Zone\nVelmora")
    cmr_box(p, x1, y, x2 - x1, 150, "16", "Carrier (name, address, country)",
            "KOVAL LOGISTICS\nDepot 4, Ring Road East\nVelmora")
    y += 150
    cmr_box(p, x0, y, half, 150, "2", "Consignee (name, address, country)",
            "Harlow & Pike Fresh Ltd\nUnit 9, Sturton Park\nCastlebridge WM14 6TR, UK")
    cmr_box(p, x1, y, x2 - x1, 150, "17", "Successive carriers", "—")
    y += 150
    cmr_box(p, x0, y, half, 120, "3", "Place of delivery of the goods",
            "Harlow & Pike DC, Sturton Park,\nCastlebridge (M47 junction 14)", entry_bold=True)
    cmr_box(p, x1, y, x2 - x1, 240, "18", "Carrier's reservations and observations",
            "Load checked and sealed at Velmora.\nSEAL No. KL 0048213\nReefer set +2 °C, continuous.\n"
            "Crossing Port Hesse – Porthaven\n13/01 22:00 sailing.", entry_bold=False)
    y += 120
    cmr_box(p, x0, y, half, 120, "4", "Place and date of taking over the goods",
            "Velmora, 12/01/2026  17:40")
    y += 120
    cmr_box(p, x0, y, half, 90, "5", "Documents attached", "Invoice AVF/9921, temp. log sheet")
    cmr_box(p, x1, y, x2 - x1, 90, "19", "Special agreements", "Delivery slot 14/01/2026 06:00")
    y += 90

    # goods table
    th = 230
    cols = [("6", "Marks and Nos", 150), ("7", "Number of packages", 150),
            ("8", "Method of packing", 150), ("9", "Nature of the goods", 300),
            ("11", "Gross weight kg", 180), ("12", "Volume m³", W - 2 * M - 930)]
    cx = x0
    entries = ["AVF 01–22", "22", "Pallets,\nshrink-\nwrapped",
               "Mixed salad leaves,\nchilled.\nKeep +1 to +4 °C", "18 460", "74"]
    for (num, cap, cw), e in zip(cols, entries):
        cmr_box(p, cx, y, cw, th, num, cap, e, entry_px=19)
        cx += cw
    y += th
    cmr_box(p, x0, y, half, 150, "13", "Sender's instructions (customs, other)",
            "Keep at +2 °C throughout.\nSeal must NOT be broken before\ndelivery at Castlebridge.")
    cmr_box(p, x1, y, x2 - x1, 150, "20", "To be paid by", "Sender — carriage paid")
    y += 150
    cmr_box(p, x0, y, half, 110, "21", "Established in", "Velmora    on  12/01/2026")
    cmr_box(p, x1, y, x2 - x1, 110, "25", "Registration numbers",
            "Tractor  KV 318 TZ\nTrailer  KT 7741 R", entry_bold=True)
    y += 110
    sig_h = H - M - y
    third = (W - 2 * M) / 3
    cmr_box(p, x0, y, third, sig_h, "22", "Signature and stamp of the sender")
    cmr_box(p, x0 + third, y, third, sig_h, "23", "Signature and stamp of the carrier")
    cmr_box(p, x0 + 2 * third, y, third, sig_h, "24", "Goods received: place, date, signature")
    stamp(p, x0 + third / 2, y + sig_h / 2 + 10, 120, "AGRO VERDE", "FRESH · VELMORA", QColor("#3b6b3b"))
    stamp(p, x0 + third * 1.5, y + sig_h / 2 + 10, 120, "KOVAL", "LOGISTICS", QColor("#6d2a8c"))
    text(p, x0 + third * 1.5 - 60, y + sig_h - 48, "D. Tarrow", font(SERIF, 24, italic=True), PEN_BLUE, 220, 40)
    text(p, x0 + 2 * third + 20, y + 60, "(blank)", font(SANS, 17, italic=True), QColor("#8a8a8a"), 200, 30)
    save(img, p, path)


# ------------------------------------------------------------------- tachograph printout

def make_tacho(path: Path) -> None:
    W, H = 560, 1320
    img, p = new_image(W, H, "#e9e9e4")
    # the receipt itself, slightly narrower than the image, on a grey desk
    RX, RW = 60, 440
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#c9c9c2"))
    p.drawRect(QRectF(RX + 6, 0, RW, H))
    p.setBrush(QColor("#fdfdfb"))
    p.drawRect(QRectF(RX, 0, RW, H))
    # torn top and bottom edges (fixed zigzag)
    p.setBrush(QColor("#e9e9e4"))
    for edge_y, sign in ((0, 1), (H, -1)):
        poly = QPolygonF()
        poly.append(QPointF(RX - 2, edge_y))
        for i in range(0, RW + 12, 12):
            poly.append(QPointF(RX + i, edge_y + sign * (6 if (i // 12) % 2 else 0)))
        poly.append(QPointF(RX + RW + 2, edge_y))
        p.drawPolygon(poly)

    mono = font(MONO, 17)
    mono_b = font(MONO, 17, bold=True)
    x = RX + 18
    y = 26
    lh = 25

    def line(s: str = "", f: QFont = mono, colour: QColor = INK) -> None:
        nonlocal y
        text(p, x, y, s, f, colour, RW - 30, lh + 6)
        y += lh

    def rule() -> None:
        nonlocal y
        text(p, x, y, "-" * 36, mono, INK, RW - 30, lh + 6)
        y += lh

    line("14/01/2026 04:26 (UTC)", mono_b)
    line("24h DRIVER CARD DAILY PRINTOUT", mono_b)
    rule()
    line("Driver:    TARROW")
    line("           D")
    line("Card no:   K 0000 7731 4420 1")
    line("Expires:   09/03/2028")
    rule()
    line("Vehicle:   KV 318 TZ")
    line("Unit:      SMART-2  s/n 0419-55")
    line("Last calib 02/10/2025")
    rule()
    line("Activity  14/01/2026", mono_b)
    line(" Start  Dur.   Activity")
    rule()
    line("≈ 00:00 00h22  FERRY/TRAIN", mono)
    line("         (rest on board)")
    line(" ▸ 00:22  Begin  UK", mono_b)
    line("⊙ 00:22 00h19  DRIVING")
    y += 4
    # the suspicious stop, highlighted by the officer
    stop_top = y - 2
    line("▭ 00:41 00h56  BREAK/REST", mono_b)
    line("  GNSS fix 00:41  UK  (stored)")
    line("  speed 0 km/h  00:41–01:37")
    stop_bottom = y + 2
    y += 4
    line("⊙ 01:37 02h11  DRIVING")
    line("▭ 03:48 00h24  BREAK/REST")
    line("⊙ 04:12 00h03  DRIVING")
    line("⚒ 04:15 00h11  OTHER WORK")
    line("         (card withdrawn 04:26)")
    rule()
    line("Daily totals", mono_b)
    line(" Driving         02h33")
    line(" Other work      00h11")
    line(" Break/rest      01h20")
    line(" Distance        188 km")
    rule()
    line("Events / faults: none")
    line("Place of printing: UK")
    rule()
    line("Control:  PC 4471 HALE")
    line("Signature of driver:")
    y += 12
    text(p, x + 30, y, "D Tarrow", font(SERIF, 26, italic=True), PEN_BLUE, 300, 40)
    y += 56
    rule()
    line("  *** END OF PRINTOUT ***", mono_b)

    # officer's pencil ring and note around the 56-minute stop
    p.setPen(QPen(QColor("#c0392b"), 3))
    p.setBrush(Qt.NoBrush)
    p.drawRoundedRect(QRectF(x - 8, stop_top, RW - 24, stop_bottom - stop_top), 14, 14)
    note_y = stop_bottom + 2
    # the note is written on the desk margin and the receipt, angled slightly
    p.save()
    p.translate(RX + 40, y + 40)
    p.rotate(-3)
    text(p, 0, 0,
         "PC Hale: 00:41–01:37 stop =\nlay-by on A219 Porthaven Rd,\n"
         "about 3 miles from the port.\nDriver says he made NO stops\nbefore Brackenford.",
         font(SANS, 18, bold=True, italic=True), QColor("#c0392b"), 420, 200)
    p.restore()
    # arrow from the note up to the ring
    p.setPen(QPen(QColor("#c0392b"), 3))
    arrow = QPainterPath(QPointF(RX + RW - 40, y + 36))
    arrow.cubicTo(QPointF(RX + RW + 30, y - 200), QPointF(RX + RW + 40, note_y + 60),
                 QPointF(RX + RW - 16, note_y - 20))
    p.drawPath(arrow)
    p.drawLine(QPointF(RX + RW - 16, note_y - 20), QPointF(RX + RW - 2, note_y - 4))
    p.drawLine(QPointF(RX + RW - 16, note_y - 20), QPointF(RX + RW - 26, note_y - 2))
    save(img, p, path)


# ------------------------------------------------------------------------ services map

def label(p: QPainter, x: float, y: float, s: str, px: int = 18, bold: bool = False,
          colour: QColor = INK, w: float = 300, align=Qt.AlignLeft) -> None:
    text(p, x, y, s, font(SANS, px, bold=bold), colour, w, 120, align)


def make_map(path: Path) -> None:
    W, H = 1600, 1150
    img, p = new_image(W, H, "#e6eddc")   # grass
    road = QColor("#8e8e8e")
    road_edge = QColor("#5e5e5e")
    tarmac = QColor("#b9b9b4")
    building = QColor("#d9b98c")

    # --- the motorway: two carriageways running north (top) to south (bottom)
    nb_x, sb_x, cw = 1130, 1300, 120       # northbound carriageway on the left (west)
    p.setPen(Qt.NoPen)
    p.setBrush(road)
    p.drawRect(QRectF(nb_x, 0, cw, H))
    p.drawRect(QRectF(sb_x, 0, cw, H))
    p.setBrush(QColor("#7fa36b"))
    p.drawRect(QRectF(nb_x + cw, 0, sb_x - nb_x - cw, H))   # central reservation
    dash = QPen(QColor("white"), 3, Qt.DashLine)
    p.setPen(dash)
    for cx in (nb_x + cw / 3, nb_x + 2 * cw / 3, sb_x + cw / 3, sb_x + 2 * cw / 3):
        p.drawLine(QPointF(cx, 0), QPointF(cx, H))
    # direction arrows
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("white"))
    for (ax, up) in ((nb_x + cw / 2, True), (sb_x + cw / 2, False)):
        for ay in (160, 560, 960):
            tri = QPolygonF([QPointF(ax, ay - 24 if up else ay + 24),
                             QPointF(ax - 14, ay + (10 if up else -10)),
                             QPointF(ax + 14, ay + (10 if up else -10))])
            p.drawPolygon(tri)
    for (tx, s) in ((nb_x, "M47 NORTHBOUND"), (sb_x, "M47 SOUTHBOUND")):
        p.save()
        p.translate(tx + cw / 2 + 9, 760)
        p.rotate(-90)
        text(p, -150, -10, s, font(SANS, 20, bold=True), QColor("white"), 300, 30, Qt.AlignHCenter)
        p.restore()

    # --- slip roads (services are on the west side, off the northbound carriageway)
    def slip(points, width=46):
        pathp = QPainterPath(QPointF(*points[0]))
        pathp.cubicTo(QPointF(*points[1]), QPointF(*points[2]), QPointF(*points[3]))
        p.setBrush(Qt.NoBrush)
        p.setPen(QPen(road_edge, width + 6, Qt.SolidLine, Qt.FlatCap))
        p.drawPath(pathp)
        p.setPen(QPen(road, width, Qt.SolidLine, Qt.FlatCap))
        p.drawPath(pathp)

    slip([(nb_x + 20, 1120), (nb_x - 20, 1000), (880, 990), (760, 935)])      # entry, from the south
    slip([(760, 175), (880, 130), (nb_x - 20, 140), (nb_x + 20, 20)])         # exit, back on northbound
    # internal spine road
    p.setPen(QPen(road, 40, Qt.SolidLine, Qt.FlatCap))
    p.drawLine(QPointF(760, 935), QPointF(760, 175))

    # --- HGV park (west)
    p.setPen(QPen(road_edge, 2))
    p.setBrush(tarmac)
    p.drawRect(QRectF(110, 300, 470, 560))
    p.setPen(QPen(QColor("white"), 2))
    for i in range(12):
        yy = 330 + i * 44
        p.drawLine(QPointF(130, yy), QPointF(330, yy))
        p.drawLine(QPointF(360, yy), QPointF(560, yy))
    label(p, 120, 864, "HGV PARK  (bays H1–H24)", 20, True)
    # link roads HGV park <-> spine
    p.setPen(QPen(road, 34, Qt.SolidLine, Qt.FlatCap))
    p.drawLine(QPointF(580, 800), QPointF(760, 800))
    p.drawLine(QPointF(580, 340), QPointF(760, 340))
    # first caller's lorry and the Koval lorry's first bay
    def lorry(x, y, w, h, colour, txt, txt_colour=None):
        if txt_colour is None:
            txt_colour = QColor("white")
        p.setPen(QPen(INK, 2))
        p.setBrush(colour)
        p.drawRect(QRectF(x, y, w, h))
        text(p, x, y + 4, txt, font(SANS, 15, bold=True), txt_colour, w, h, Qt.AlignHCenter)

    lorry(140, 550, 180, 30, QColor("#f2f2f2"), "H14 Koval 03:48", INK)
    lorry(140, 594, 180, 30, QColor("#2e6da4"), "H15 caller's lorry")
    # boundary fence between the HGV park and the motorway verge is the grass strip

    # --- HGV fuel island on the exit road
    p.setPen(QPen(road_edge, 2))
    p.setBrush(tarmac)
    p.drawRect(QRectF(470, 150, 230, 125))
    p.setBrush(QColor("#f0c419"))
    for i in range(3):
        p.drawRect(QRectF(500 + i * 70, 165, 26, 30))
        text(p, 500 + i * 70, 170, str(i + 1), font(SANS, 14, bold=True), INK, 26, 20, Qt.AlignHCenter)
    label(p, 470, 118, "HGV FUEL ISLAND (pumps 1–3)", 18, True, w=320)
    p.setPen(QPen(road, 30, Qt.SolidLine, Qt.FlatCap))
    p.drawLine(QPointF(580, 300), QPointF(580, 276))
    p.drawLine(QPointF(700, 205), QPointF(760, 205))
    # Koval lorry now at pump 2
    p.setPen(QPen(QColor("#c0392b"), 3))
    p.setBrush(QColor("#ffffff"))
    p.drawRect(QRectF(480, 236, 210, 28))
    text(p, 480, 239, "KOVAL at pump 2, 04:15", font(SANS, 15, bold=True), QColor("#c0392b"), 210, 26,
         Qt.AlignHCenter)

    # --- amenity building, car park, car fuel, coach bays
    p.setPen(QPen(road_edge, 2))
    p.setBrush(tarmac)
    p.drawRect(QRectF(830, 440, 230, 400))              # car park
    p.setPen(QPen(QColor("white"), 2))
    for i in range(9):
        yy = 470 + i * 40
        p.drawLine(QPointF(850, yy), QPointF(1040, yy))
    label(p, 834, 845, "CAR PARK", 18, True)
    p.setPen(QPen(road_edge, 2))
    p.setBrush(building)
    p.drawRect(QRectF(610, 430, 120, 330))
    p.save()
    p.translate(672, 600)
    p.rotate(-90)
    text(p, -170, -30, "AMENITY BUILDING", font(SANS, 20, bold=True), INK, 340, 30, Qt.AlignHCenter)
    text(p, -170, -2, "shop · café · drivers' lounge", font(SANS, 16), INK, 340, 30, Qt.AlignHCenter)
    p.restore()
    p.setBrush(tarmac)
    p.drawRect(QRectF(830, 230, 230, 120))              # car fuel
    p.setBrush(QColor("#f0c419"))
    for i in range(4):
        p.drawRect(QRectF(860 + i * 50, 275, 20, 26))
    label(p, 834, 196, "CAR FUEL", 18, True)
    p.setBrush(tarmac)
    p.setPen(QPen(road_edge, 2))
    p.drawRect(QRectF(830, 880, 230, 60))
    label(p, 840, 895, "COACH BAYS", 16, True)

    # --- CCTV cameras
    def camera(x, y, name):
        p.setPen(QPen(INK, 2))
        p.setBrush(QColor("#111111"))
        p.drawEllipse(QPointF(x, y), 13, 13)
        text(p, x - 13, y - 10, name, font(SANS, 13, bold=True), QColor("white"), 26, 20, Qt.AlignHCenter)

    camera(790, 960, "C1")
    camera(340, 290, "C2")
    camera(618, 292, "C3")
    camera(600, 420, "C4")
    # ANPR at the entry (parking enforcement)
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor("#c0392b"))
    p.drawRect(QRectF(900, 1010, 70, 26))
    text(p, 900, 1013, "ANPR", font(SANS, 15, bold=True), QColor("white"), 70, 24, Qt.AlignHCenter)

    # --- motorway labels
    label(p, 1432, 110, "NORTH\n↑\nJ17 Tenbury\nJ21 Norbrook", 17, True, w=165, align=Qt.AlignHCenter)
    label(p, 1432, 930, "SOUTH\n↓\nJ16, then\nJ14 Castlebridge\n(9 miles)", 17, True, w=165,
          align=Qt.AlignHCenter)
    label(p, 860, 60, "EXIT slip", 17, True, w=160)
    label(p, 975, 1085, "ENTRY slip", 17, True, w=160)
    # direction of travel arrow for the spine road
    p.setPen(QPen(INK, 3))
    p.drawLine(QPointF(760, 700), QPointF(760, 620))
    p.drawLine(QPointF(760, 620), QPointF(750, 636))
    p.drawLine(QPointF(760, 620), QPointF(770, 636))

    # --- title block, north arrow, legend, scale
    p.setPen(QPen(INK, 2))
    p.setBrush(QColor(255, 255, 255, 235))
    p.drawRect(QRectF(20, 20, 430, 250))
    label(p, 36, 30, "BRACKENFORD SERVICES", 26, True, w=400)
    label(p, 36, 66, "M47 northbound, between J16 and J17", 17, w=400)
    legend = [("#111111", "C1–C4  site CCTV cameras"), ("#c0392b", "ANPR  site parking camera"),
              ("#f0c419", "fuel pumps"), ("#d9b98c", "amenity building")]
    for i, (col, s) in enumerate(legend):
        yy = 108 + i * 34
        p.setPen(QPen(INK, 1))
        p.setBrush(QColor(col))
        p.drawRect(QRectF(40, yy + 2, 22, 22))
        label(p, 74, yy, s, 17, w=360)
    label(p, 36, 238, "Not to scale. Westmarch Constabulary", 14, colour=QColor("#555555"), w=400)
    # north arrow
    p.setPen(QPen(INK, 2))
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([QPointF(1515, 20), QPointF(1500, 66), QPointF(1530, 66)]))
    label(p, 1500, 66, "N", 22, True, w=40)
    # caption for the runners' route and the drop of the group
    p.setPen(QPen(QColor("#5c1f99"), 4, Qt.DashDotLine))
    p.drawLine(QPointF(nb_x - 12, 0), QPointF(nb_x - 12, H))
    label(p, 834, 356, "- · -  site boundary: a low fence\nand a grass verge, then the live\nnorthbound lanes",
          15, False, colour=QColor("#5c1f99"), w=284)
    save(img, p, path)


# ------------------------------------------------------------- NCCU intelligence form

def make_nccu_form(path: Path) -> None:
    W, H = 1200, 1500
    img, p = new_image(W, H, "#ffffff")
    navy = QColor("#1d3557")
    grey = QColor("#e8ecf1")
    todo = QColor("#fff3c4")
    M = 50
    p.setPen(Qt.NoPen)
    p.setBrush(navy)
    p.drawRect(QRectF(0, 0, W, 120))
    text(p, M, 22, "IMMIGRATION ENFORCEMENT · NATIONAL COMMAND AND CONTROL UNIT", font(SANS, 22, bold=True),
         QColor("white"), W - 2 * M, 40)
    text(p, M, 62, "Intelligence return: clandestine entry incident reported by police", font(SANS, 20),
         QColor("white"), W - 2 * M, 40)
    text(p, M, 140, "OFFICIAL-SENSITIVE when complete. Return to the NCCU before the end of the reporting "
         "officer's tour of duty.", font(SANS, 17, italic=True), QColor("#8a1c1c"), W - 2 * M, 60)
    rows = [
        ("NCCU reference", "NCCU-260114-0417", False),
        ("Reporting force / OIC identifier code", "Westmarch Constabulary  /  OIC code: ________", True),
        ("Date, time, location", "14/01/2026 04:10, Brackenford Services, M47 northbound (J16–J17)", False),
        ("Vehicle(s)", "Tractor KV 318 TZ; refrigerated trailer KT 7741 R; operator Koval Logistics", False),
        ("Seal(s)", "CMR records KL 0048213; seal found on doors KL 0051906", False),
        ("Driver", "D. TARROW (Koval Logistics)", False),
        ("Persons found", "12: 9 men, 1 woman, 2 boys (say they are 12 and 15)", False),
        ("Route and stops", "Port Hesse – Porthaven ferry, 13/01 22:00 sailing. Tachograph: 56 min stop "
         "00:41–01:37 at lay-by, A219 Porthaven Rd", False),
        ("Phone numbers (driver and group)", "", True),
        ("Agents, payments, debts", "", True),
        ("Intended destinations / work", "", True),
        ("Trafficking indicators / NRM, Duty to Notify", "", True),
        ("Documents seized (NDFU)", "", True),
        ("Completed by (name, number, date)", "", True),
    ]
    y = 210
    label_w = 360
    for caption, value, to_do in rows:
        h = 92 if len(value) > 70 or not value else 64
        p.setPen(QPen(QColor("#9aa5b1"), 1))
        p.setBrush(grey)
        p.drawRect(QRectF(M, y, label_w, h))
        p.setBrush(todo if to_do else QColor("white"))
        p.drawRect(QRectF(M + label_w, y, W - 2 * M - label_w, h))
        text(p, M + 12, y + 10, caption, font(SANS, 17, bold=True), navy, label_w - 20, h - 12)
        if value:
            text(p, M + label_w + 14, y + 10, value, font(SANS, 18), INK, W - 2 * M - label_w - 28, h - 12)
        else:
            text(p, M + label_w + 14, y + 10, "to be completed by the reporting force",
                 font(SANS, 16, italic=True), QColor("#8a6d00"), W - 2 * M - label_w - 28, h - 12)
        y += h
    text(p, M, y + 24, "White boxes: filled in from the referral call and the first officer's notes. "
         "Yellow boxes: still to be completed before the form is returned.", font(SANS, 16),
         QColor("#555555"), W - 2 * M, 60)
    save(img, p, path)


DOCUMENTS = [
        ("cmr-consignment-note.png", make_cmr),
        ("tachograph-printout.png", make_tacho),
        ("services-map.png", make_map),
        ("nccu-intelligence-form.png", make_nccu_form),
]


if __name__ == "__main__":
    exit_now(draw_documents(OUT, DOCUMENTS))
