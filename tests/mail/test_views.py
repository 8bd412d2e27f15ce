from drillhub.mail.service import queue_message
from tests.support import post_form


async def test_admins_read_the_outbox_when_no_mail_server_is_set(signed_in_client):
    await queue_message("officer@demo.drillhub.test", "Invitation: <b>TTX</b>", "Body text", "invitation")
    admin = await signed_in_client("admin")
    page = await admin.get("/admin/outbox/")
    assert "No mail server is configured" in page.text
    assert "Invitation: &lt;b&gt;TTX&lt;/b&gt;" in page.text and "Body text" in page.text
    refused = await post_form(admin, "/admin/outbox/send", follow_redirects=True)
    assert "No mail server is configured (DRILLHUB_SMTP_HOST)." in refused.text
