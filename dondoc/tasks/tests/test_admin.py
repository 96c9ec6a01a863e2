from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from dondoc.tasks.models import Directive


def test_the_admin_refuses_a_directive_source_file_that_lies_about_its_type(clerk, notice):
    request = RequestFactory().get("/admin/")
    request.user = clerk
    form_class = site._registry[Directive].get_form(request, notice)
    upload = SimpleUploadedFile("01-TB.pdf", b"not a pdf at all", content_type="application/pdf")
    form = form_class(instance=notice, files={"source_file": upload})
    form.is_valid()
    assert "source_file" in form.errors
