"""The destruction register (销毁清册) as a PDF (placeholder: the full layout follows)."""

from core.pdf import build_pdf, para, styles


def register_pdf(batch) -> bytes:
    st = styles()
    story = [para(f"档案销毁清册 {batch.number}", st.title)]
    for item in batch.items.filter(state="destroyed").order_by("pk"):
        story.append(para(f"{item.reference or item.archive_number} {item.title} 已销毁", st.cell))
    return build_pdf(story, register="档案销毁清册")
