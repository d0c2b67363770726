//! Reports are classified, routed with a deadline, published whole, and
//! published once.

use serde_json::{Value, json};

use crate::support::{
    CSGT, GTVT, harness, hours, indicators, report, report_data, requests, submitted, time, types,
};

#[test]
fn a_report_is_routed_to_its_services_agency_with_its_deadline() {
    let mut h = harness();
    let mut data = report_data(
        "LS-1",
        Some("pothole"),
        "Ổ gà lớn sâu 20 cm giữa làn xe tải trên Quốc lộ 4A",
        "2026-11-27T01:10:00Z",
    );
    data["address_id"] = "HD-0012".into();
    let out = h.handle(&[submitted(data)]).unwrap();
    assert_eq!(types(&out), ["request", "indicator", "indicator"]);
    let request = &out[0];
    assert_eq!(request.subject.as_deref(), Some("LS-1"));
    assert_eq!(request.time.as_deref(), Some("2026-11-27T08:10:00+07:00"));
    let data: Value = request.json().unwrap();
    assert_eq!(
        data,
        json!({
            "service_request_id": "LS-1",
            "status": "open",
            "status_notes": null,
            "service_name": "Hư hỏng mặt đường, ổ gà",
            "service_code": "pothole",
            "description": "Ổ gà lớn sâu 20 cm giữa làn xe tải trên Quốc lộ 4A",
            "agency_responsible": "Sở Giao thông Vận tải",
            "service_notice": "Đã chuyển Sở Giao thông Vận tải xử lý trong vòng 3 ngày.",
            "requested_datetime": "2026-11-27T08:10:00+07:00",
            "updated_datetime": "2026-11-27T08:10:00+07:00",
            "expected_datetime": "2026-11-30T08:10:00+07:00",
            "address": "Km 5, xã Hoàng Đồng, TP Lạng Sơn",
            "address_id": "HD-0012",
            "lat": 21.8712,
            "long": 106.7355,
            "media_url": "https://phananh.langson.gov.vn/media/1.jpg",
            "road": "QL4A",
            "overdue": false,
        })
    );
    assert_eq!(
        indicators(&out),
        [
            ("open-reports".to_owned(), GTVT.to_owned(), 1.0),
            ("overdue-reports".to_owned(), GTVT.to_owned(), 0.0),
        ]
    );
    let indicator: Value = out[1].json().unwrap();
    assert_eq!(
        indicator,
        json!({"indicator": "open-reports", "scope": GTVT, "scopeName": "Sở Giao thông Vận tải",
               "name": {"vi": "Phản ánh hiện trường đang xử lý", "en": "Open field reports"},
               "value": 1.0, "unit": "count", "observedAt": "2026-11-27T08:10:00+07:00"})
    );
    assert_eq!(h.logs()[0].message, "report routed");
    assert_eq!(h.logs()[0].field("by"), Some("service_code"));
}

#[test]
fn the_default_services_route_to_lang_sons_agencies_within_their_slas() {
    let mut h = harness();
    let cases = [
        ("pothole", "Sở Giao thông Vận tải", 72),
        ("flooding", "Sở Nông nghiệp và Môi trường", 24),
        ("litter", "UBND thành phố Lạng Sơn", 48),
        ("streetlight", "UBND thành phố Lạng Sơn", 72),
        (
            "traffic-obstruction",
            "Công an tỉnh Lạng Sơn (Phòng CSGT)",
            4,
        ),
        ("illegal-parking", "Công an tỉnh Lạng Sơn (Phòng CSGT)", 12),
        ("other", "Văn phòng UBND tỉnh Lạng Sơn", 120),
    ];
    for (i, (code, agency, sla)) in cases.iter().enumerate() {
        let out = h
            .handle(&[report(&format!("LS-{i}"), code, &time(0))])
            .unwrap();
        let request = &requests(&out)[0];
        assert_eq!(request["service_code"], *code);
        assert_eq!(request["agency_responsible"], *agency, "{code}");
        assert_eq!(request["expected_datetime"], hours(*sla), "{code}");
    }
}

#[test]
fn without_a_known_code_the_description_keywords_decide() {
    let mut h = harness();
    let cases = [
        (
            None,
            "Xe tải đỗ xe trên vỉa hè đường Trần Đăng Ninh",
            "illegal-parking",
        ),
        (Some(""), "Đường Bà Triệu NGẬP sâu sau mưa", "flooding"),
        (
            Some("graffiti"),
            "Rác thải bốc mùi cạnh chợ Kỳ Lừa",
            "litter",
        ),
        (
            Some("pot-hole"),
            "Cây đổ chắn đường QL1B",
            "traffic-obstruction",
        ),
        (None, "Cột đèn nghiêng sắp đổ", "streetlight"),
        // `úng` is in `đúng`, `lũ` in `Lũng`: whole words only.
        (None, "Xe buýt không chạy đúng giờ ở Hữu Lũng", "other"),
        (None, "Đề nghị bổ sung biển chỉ dẫn lên Mẫu Sơn", "other"),
    ];
    for (i, (code, description, expected)) in cases.iter().enumerate() {
        let data = report_data(&format!("LS-{i}"), *code, description, &time(i as u64));
        let out = h.handle(&[submitted(data)]).unwrap();
        assert_eq!(
            requests(&out)[0]["service_code"],
            *expected,
            "{description}"
        );
    }
    let by: Vec<_> = h.logs().iter().filter_map(|l| l.field("by")).collect();
    assert_eq!(
        by,
        [
            "keyword", "keyword", "keyword", "keyword", "keyword", "fallback", "fallback"
        ]
    );
}

#[test]
fn the_first_service_in_order_wins_and_a_code_beats_keywords() {
    let mut h = harness();
    // Both pothole (`ổ gà`) and flooding (`ngập`) keywords: pothole is listed first.
    let data = report_data("LS-1", None, "Ổ gà ngập nước", &time(0));
    let out = h.handle(&[submitted(data)]).unwrap();
    assert_eq!(requests(&out)[0]["service_code"], "pothole");
    let data = report_data("LS-2", Some("flooding"), "Ổ gà", &time(1));
    let out = h.handle(&[submitted(data)]).unwrap();
    assert_eq!(requests(&out)[0]["service_code"], "flooding");
}

#[test]
fn the_road_comes_from_the_address_then_the_description() {
    let mut h = harness();
    let cases = [
        (
            "QL 1A, thị trấn Đồng Đăng",
            "Ùn tắc trên Quốc lộ 4A",
            Some("QL1A"),
        ),
        (
            "Phường Vĩnh Trại",
            "Đèn trên quốc lộ 1B không sáng",
            Some("QL1B"),
        ),
        (
            "Xã Tân Thanh, huyện Văn Lãng",
            "Ổ gà QL.4A gần cửa khẩu",
            Some("QL4A"),
        ),
        ("Huyện Tràng Định", "Sạt lở trên Quốc lộ 3B", Some("QL3B")),
        ("Đường Bà Triệu", "Ngập sâu", None),
        ("Quốc lộ 18", "Ổ gà", None),
    ];
    for (i, (address, description, road)) in cases.iter().enumerate() {
        let mut data = report_data(&format!("LS-{i}"), None, description, &time(i as u64));
        data["address_string"] = (*address).into();
        let out = h.handle(&[submitted(data)]).unwrap();
        assert_eq!(
            requests(&out)[0]["road"],
            json!(road),
            "{address} / {description}"
        );
    }
}

#[test]
fn vietnamese_text_passes_through_byte_for_byte_and_unread_fields_never_do() {
    let mut h = harness();
    let description = "Ổ gà \"to\" ở ngã tư Phai Vệ — cẩn thận!\nẢnh kèm theo. Ðã báo 2 lần";
    let mut data = report_data("LS-ư-1", Some("pothole"), description, &time(0));
    data["address_string"] = "Số 1 Lê Lợi, phường Vĩnh Trại, TP Lạng Sơn".into();
    // The host refuses reports carrying a contact (it travels apart, as
    // personal data); a field the plugin does not read never comes out
    // anyway, whatever a sender puts in it.
    data["contact"] = json!({"email": "hung@example.vn", "last_name": "Nguyễn Văn",
        "phone": "0912345678", "device_id": "android-7f3a", "account_id": "vneid-001234"});
    let out = h.handle(&[submitted(data)]).unwrap();
    let request = &requests(&out)[0];
    assert_eq!(request["description"], description);
    assert_eq!(
        request["address"],
        "Số 1 Lê Lợi, phường Vĩnh Trại, TP Lạng Sơn"
    );
    assert_eq!(request["service_request_id"], "LS-ư-1");
    for o in &out {
        let text = String::from_utf8(o.data.clone().unwrap()).unwrap();
        for secret in [
            "hung@example.vn",
            "0912345678",
            "android-7f3a",
            "vneid-001234",
            "Nguyễn Văn",
            "contact",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {}", o.ty);
        }
    }
    let stored = String::from_utf8(h.state().get("req/LS-ư-1").unwrap().to_vec()).unwrap();
    assert!(!stored.contains("0912345678") && !stored.contains("hung@example.vn"));
}

#[test]
fn a_redelivered_or_resubmitted_report_emits_nothing() {
    let mut h = harness();
    let first = report("LS-1", "pothole", &time(0));
    h.handle(std::slice::from_ref(&first)).unwrap();
    let before = h.state().get("req/LS-1").unwrap().to_vec();
    assert!(h.handle(&[first]).unwrap().is_empty());
    // Resubmitted later under the same id with other content: still nothing.
    let again = report("LS-1", "litter", &time(30)).id("sub-LS-1-again");
    assert!(h.handle(&[again]).unwrap().is_empty());
    assert_eq!(h.state().get("req/LS-1").unwrap(), &before[..]);
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message == "report skipped: the request is already known")
            .count(),
        2
    );
}

#[test]
fn counts_accumulate_per_agency_and_publish_once_per_batch() {
    let mut h = harness();
    let out = h
        .handle(&[
            report("LS-1", "pothole", &time(0)),
            report("LS-2", "pothole", &time(1)),
            report("LS-3", "illegal-parking", &time(2)),
        ])
        .unwrap();
    assert_eq!(
        indicators(&out),
        [
            ("open-reports".to_owned(), GTVT.to_owned(), 2.0),
            ("overdue-reports".to_owned(), GTVT.to_owned(), 0.0),
            ("open-reports".to_owned(), CSGT.to_owned(), 1.0),
            ("overdue-reports".to_owned(), CSGT.to_owned(), 0.0),
        ]
    );
    // Only changed values are published again.
    let out = h
        .handle(&[report("LS-4", "traffic-obstruction", &time(3))])
        .unwrap();
    assert_eq!(
        indicators(&out),
        [("open-reports".to_owned(), CSGT.to_owned(), 2.0)]
    );
    let counts: Value = h
        .state()
        .get_json("agency/cong-an-tinh-lang-son-phong-csgt")
        .unwrap()
        .unwrap();
    assert_eq!(counts["open"], 2);
    assert_eq!(counts["name"], "Công an tỉnh Lạng Sơn (Phòng CSGT)");
}

#[test]
fn a_report_without_requested_datetime_takes_the_event_time() {
    let mut h = harness();
    let mut data = report_data("LS-1", Some("flooding"), "Ngập", &time(0));
    data.as_object_mut().unwrap().remove("requested_datetime");
    let event = submitted(data).time("2026-11-27T09:00:00.750+07:00");
    let out = h.handle(&[event]).unwrap();
    let request = &requests(&out)[0];
    assert_eq!(request["requested_datetime"], "2026-11-27T09:00:00+07:00");
    assert_eq!(request["expected_datetime"], "2026-11-28T09:00:00+07:00");
}

#[test]
fn coordinates_may_come_as_strings_and_an_address_alone_will_do() {
    let mut h = harness();
    let mut data = report_data("LS-1", Some("litter"), "Rác", &time(0));
    data["lat"] = "21.8597".into();
    data["long"] = " 106.7614 ".into();
    let out = h.handle(&[submitted(data)]).unwrap();
    assert_eq!(requests(&out)[0]["lat"], 21.8597);
    assert_eq!(requests(&out)[0]["long"], 106.7614);

    let mut data = report_data("LS-2", Some("litter"), "Rác", &time(1));
    let d = data.as_object_mut().unwrap();
    d.remove("lat");
    d.remove("long");
    d.remove("media_url");
    d.remove("description");
    let out = h.handle(&[submitted(data)]).unwrap();
    let request = &requests(&out)[0];
    assert_eq!(
        (&request["lat"], &request["long"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(request["description"], Value::Null);
    assert_eq!(request["media_url"], Value::Null);
    assert_eq!(request["service_code"], "litter");
}

#[test]
fn other_event_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[cityhub_sdk::testing::TestEvent::new("city.traffic.incident").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    assert_eq!(h.logs()[0].field("type"), Some("city.traffic.incident"));
    assert!(h.state().is_empty());
}
