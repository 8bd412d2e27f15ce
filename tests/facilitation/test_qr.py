from drillhub.facilitation.qr import qr_svg


def test_the_qr_code_needs_no_inline_styles():
    """The page's Content-Security-Policy blocks style attributes: the SVG must not depend on them."""
    svg = qr_svg("https://drillhub.example/join?code=ABC234")
    assert svg.startswith("<svg") and "style=" not in svg and 'fill="rgb(0%,0%,0%)"' in svg
