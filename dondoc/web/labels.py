"""Vietnamese labels for stored codes (the pages translate them with `_`)."""
from __future__ import annotations

LEVEL_VI = {
    "ministry": "Bộ, ngành Trung ương", "province": "Tỉnh", "department": "Sở, ngành", "district": "Huyện",
    "district_office": "Phòng, ban cấp huyện", "commune": "Xã", "commune_official": "Công chức xã",
    "commune_unit": "Đơn vị cấp xã", "village": "Thôn, xóm", "board": "Ban", "organization": "Tổ chức, đoàn thể",
    "unit": "Đơn vị",
}
EMAIL_STATUS_VI = {"queued": "Chờ gửi", "sending": "Đang gửi", "retrying": "Chờ gửi lại", "sent": "Đã gửi",
                   "failed": "Gửi lỗi"}
TEMPLATE_VI = {"due_soon": "Nhắc sắp đến hạn", "overdue": "Nhắc quá hạn", "escalated": "Đôn đốc lên cấp trên",
               "digest": "Thư tổng hợp", "reported": "Báo cáo gửi cơ quan đầu mối", "weekly_summary": "Tổng hợp tuần",
               "extension": "Gia hạn", "reassignment": "Chuyển cơ quan chủ trì", "sent_back": "Trả lại",
               "link": "Gửi lại liên kết"}
ACTOR_VI = {"agency": "Cơ quan", "user": "Người dùng", "system": "Hệ thống"}
EVENT_VI = {"occurrence.status": "Đổi trạng thái", "occurrence.escalation": "Đôn đốc",
            "occurrence.due_changed": "Đổi hạn", "task.created": "Tạo nhiệm vụ", "task.updated": "Sửa nhiệm vụ",
            "task.removed": "Bỏ nhiệm vụ", "email.retry": "Gửi lại thư",
            # conversation along the chain (issue 16)
            "occurrence.progress": "Báo cáo tiến độ", "occurrence.extended": "Gia hạn",
            "occurrence.reassigned": "Chuyển cơ quan chủ trì", "extension.requested": "Đề nghị gia hạn",
            "extension.approved": "Đồng ý gia hạn", "extension.refused": "Không đồng ý gia hạn",
            "reassignment.requested": "Đề nghị chuyển cơ quan", "reassignment.approved": "Đồng ý chuyển cơ quan",
            "reassignment.refused": "Không đồng ý chuyển cơ quan", "review.send_back": "Trả lại",
            "review.confirm": "Xác nhận hoàn thành", "evidence.added": "Đính kèm minh chứng",
            "task.lead_changed": "Đổi cơ quan chủ trì", "task.timeframe_changed": "Đổi thời gian thực hiện",
            "agency.link_resent": "Gửi lại liên kết", "indicator.reported": "Báo cáo chỉ tiêu"}
ROLE_VI = {"to": "Gửi", "cc": "Đồng gửi", "admin": "Quản trị", "coordinator": "Điều phối"}

ALL = dict(LEVEL_VI=LEVEL_VI, EMAIL_STATUS_VI=EMAIL_STATUS_VI, TEMPLATE_VI=TEMPLATE_VI, ACTOR_VI=ACTOR_VI,
           EVENT_VI=EVENT_VI, ROLE_VI=ROLE_VI)
