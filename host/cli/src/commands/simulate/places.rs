//! The province's real places, as the simulator uses them: districts, border
//! gates, road segments with sensors, tourist sites, hospitals, schools,
//! lodgings, agencies and their procedures. Coordinates are approximate
//! (WGS84, `[lon, lat]`) after `shared/domain/lang-son.md`.
//!
//! Ids are the ones the plugins' configurations use: gates `huu-nghi`,
//! `tan-thanh`, `coc-nam`, `chi-ma`; road segments `QL1A-km2`, `QL4A-km8`…

/// A district (huyện) or the provincial city, with its centre.
#[derive(Debug, Clone, Copy)]
pub struct District {
    pub name: &'static str,
    pub lon: f64,
    pub lat: f64,
    /// Relative weight of its population, for where things happen.
    pub weight: f64,
}

pub const DISTRICTS: [District; 11] = [
    District {
        name: "Thành phố Lạng Sơn",
        lon: 106.761,
        lat: 21.853,
        weight: 3.0,
    },
    District {
        name: "Cao Lộc",
        lon: 106.770,
        lat: 21.890,
        weight: 1.6,
    },
    District {
        name: "Văn Lãng",
        lon: 106.610,
        lat: 22.060,
        weight: 1.0,
    },
    District {
        name: "Tràng Định",
        lon: 106.470,
        lat: 22.260,
        weight: 1.1,
    },
    District {
        name: "Bình Gia",
        lon: 106.320,
        lat: 21.950,
        weight: 0.9,
    },
    District {
        name: "Văn Quan",
        lon: 106.550,
        lat: 21.860,
        weight: 1.0,
    },
    District {
        name: "Bắc Sơn",
        lon: 106.320,
        lat: 21.900,
        weight: 1.2,
    },
    District {
        name: "Hữu Lũng",
        lon: 106.340,
        lat: 21.500,
        weight: 2.0,
    },
    District {
        name: "Chi Lăng",
        lon: 106.580,
        lat: 21.660,
        weight: 1.4,
    },
    District {
        name: "Lộc Bình",
        lon: 106.920,
        lat: 21.760,
        weight: 1.4,
    },
    District {
        name: "Đình Lập",
        lon: 107.090,
        lat: 21.540,
        weight: 0.5,
    },
];

/// A border gate with China (`≈` positions in `lang-son.md`).
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub id: &'static str,
    pub name: &'static str,
    /// Trucks waiting on an ordinary day.
    pub usual_queue: f64,
    /// Trucks cleared per hour on an ordinary day (office hours).
    pub usual_clearance: f64,
}

pub const GATES: [Gate; 4] = [
    Gate {
        id: "huu-nghi",
        name: "Cửa khẩu Hữu Nghị",
        usual_queue: 300.0,
        usual_clearance: 150.0,
    },
    Gate {
        id: "tan-thanh",
        name: "Cửa khẩu Tân Thanh",
        usual_queue: 180.0,
        usual_clearance: 60.0,
    },
    Gate {
        id: "coc-nam",
        name: "Cửa khẩu Cốc Nam",
        usual_queue: 40.0,
        usual_clearance: 15.0,
    },
    Gate {
        id: "chi-ma",
        name: "Cửa khẩu Chi Ma",
        usual_queue: 60.0,
        usual_clearance: 20.0,
    },
];

/// A road segment with a traffic sensor.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    pub id: &'static str,
    pub road: &'static str,
    pub lon: f64,
    pub lat: f64,
    /// Free-flow speed, km/h.
    pub free_kmh: f64,
    /// Vehicles per 5 minutes at the evening peak.
    pub peak_count: f64,
    /// The gate this segment approaches, if any: its queue slows it.
    pub gate: Option<&'static str>,
}

pub const SEGMENTS: [Segment; 17] = [
    Segment {
        id: "QL1A-km2",
        road: "QL1A",
        lon: 106.708,
        lat: 21.968,
        free_kmh: 50.0,
        peak_count: 70.0,
        gate: Some("huu-nghi"),
    },
    Segment {
        id: "QL1A-km5",
        road: "QL1A",
        lon: 106.716,
        lat: 21.945,
        free_kmh: 50.0,
        peak_count: 80.0,
        gate: Some("huu-nghi"),
    },
    Segment {
        id: "QL1A-km12",
        road: "QL1A",
        lon: 106.745,
        lat: 21.890,
        free_kmh: 60.0,
        peak_count: 110.0,
        gate: None,
    },
    Segment {
        id: "QL1A-km18",
        road: "QL1A",
        lon: 106.758,
        lat: 21.846,
        free_kmh: 40.0,
        peak_count: 150.0,
        gate: None,
    },
    Segment {
        id: "QL1A-km45",
        road: "QL1A",
        lon: 106.600,
        lat: 21.670,
        free_kmh: 70.0,
        peak_count: 90.0,
        gate: None,
    },
    Segment {
        id: "QL1A-km80",
        road: "QL1A",
        lon: 106.350,
        lat: 21.520,
        free_kmh: 70.0,
        peak_count: 100.0,
        gate: None,
    },
    Segment {
        id: "QL1B-km3",
        road: "QL1B",
        lon: 106.690,
        lat: 21.930,
        free_kmh: 50.0,
        peak_count: 40.0,
        gate: None,
    },
    Segment {
        id: "QL1B-km40",
        road: "QL1B",
        lon: 106.550,
        lat: 21.860,
        free_kmh: 50.0,
        peak_count: 30.0,
        gate: None,
    },
    Segment {
        id: "QL4A-km8",
        road: "QL4A",
        lon: 106.620,
        lat: 21.990,
        free_kmh: 50.0,
        peak_count: 50.0,
        gate: Some("tan-thanh"),
    },
    Segment {
        id: "QL4A-km20",
        road: "QL4A",
        lon: 106.605,
        lat: 22.055,
        free_kmh: 50.0,
        peak_count: 35.0,
        gate: None,
    },
    Segment {
        id: "QL4B-km10",
        road: "QL4B",
        lon: 106.830,
        lat: 21.800,
        free_kmh: 55.0,
        peak_count: 45.0,
        gate: None,
    },
    Segment {
        id: "QL4B-km30",
        road: "QL4B",
        lon: 106.920,
        lat: 21.760,
        free_kmh: 55.0,
        peak_count: 35.0,
        gate: Some("chi-ma"),
    },
    Segment {
        id: "QL31-km5",
        road: "QL31",
        lon: 107.090,
        lat: 21.540,
        free_kmh: 55.0,
        peak_count: 20.0,
        gate: None,
    },
    Segment {
        id: "TPLS-HungVuong",
        road: "Hùng Vương",
        lon: 106.757,
        lat: 21.850,
        free_kmh: 40.0,
        peak_count: 160.0,
        gate: None,
    },
    Segment {
        id: "TPLS-TranDangNinh",
        road: "Trần Đăng Ninh",
        lon: 106.762,
        lat: 21.856,
        free_kmh: 35.0,
        peak_count: 130.0,
        gate: None,
    },
    Segment {
        id: "TPLS-LeLoi",
        road: "Lê Lợi",
        lon: 106.764,
        lat: 21.848,
        free_kmh: 35.0,
        peak_count: 120.0,
        gate: None,
    },
    Segment {
        id: "TPLS-BaTrieu",
        road: "Bà Triệu",
        lon: 106.759,
        lat: 21.853,
        free_kmh: 30.0,
        peak_count: 100.0,
        gate: None,
    },
];

/// A place citizens write in a field report's `address_string`.
#[derive(Debug, Clone, Copy)]
pub struct Address {
    pub text: &'static str,
    pub lon: f64,
    pub lat: f64,
}

/// Addresses all over the province, for ordinary field reports.
pub const ADDRESSES: [Address; 12] = [
    Address {
        text: "QL4A km 8, xã Tân Thanh, huyện Văn Lãng",
        lon: 106.620,
        lat: 21.990,
    },
    Address {
        text: "QL1B km 3, xã Thụy Hùng, huyện Cao Lộc",
        lon: 106.690,
        lat: 21.930,
    },
    Address {
        text: "QL4B km 10, xã Mai Pha, thành phố Lạng Sơn",
        lon: 106.800,
        lat: 21.820,
    },
    Address {
        text: "QL1A km 45, thị trấn Đồng Mỏ, huyện Chi Lăng",
        lon: 106.600,
        lat: 21.670,
    },
    Address {
        text: "QL31, thị trấn Đình Lập, huyện Đình Lập",
        lon: 107.090,
        lat: 21.540,
    },
    Address {
        text: "Số 12 đường Bà Triệu, phường Hoàng Văn Thụ, thành phố Lạng Sơn",
        lon: 106.759,
        lat: 21.853,
    },
    Address {
        text: "Đường Trần Đăng Ninh, phường Tam Thanh, thành phố Lạng Sơn",
        lon: 106.762,
        lat: 21.856,
    },
    Address {
        text: "Đường Lê Lợi, phường Vĩnh Trại, thành phố Lạng Sơn",
        lon: 106.764,
        lat: 21.848,
    },
    Address {
        text: "Đường Hùng Vương, phường Chi Lăng, thành phố Lạng Sơn",
        lon: 106.757,
        lat: 21.850,
    },
    Address {
        text: "Chợ Đông Kinh, phường Vĩnh Trại, thành phố Lạng Sơn",
        lon: 106.766,
        lat: 21.851,
    },
    Address {
        text: "Thôn Quỳnh Sơn, xã Bắc Sơn, huyện Bắc Sơn",
        lon: 106.320,
        lat: 21.900,
    },
    Address {
        text: "Thị trấn Na Sầm, huyện Văn Lãng",
        lon: 106.610,
        lat: 22.060,
    },
];

/// Addresses along QL1A towards Hữu Nghị, for residents' reports in the
/// border-queue scenario: every one names `QL1A`.
pub const QL1A_ADDRESSES: [Address; 6] = [
    Address {
        text: "QL1A km 2, thị trấn Đồng Đăng, huyện Cao Lộc",
        lon: 106.708,
        lat: 21.968,
    },
    Address {
        text: "QL1A km 4, thị trấn Đồng Đăng, huyện Cao Lộc",
        lon: 106.712,
        lat: 21.955,
    },
    Address {
        text: "QL1A km 6, xã Bảo Lâm, huyện Cao Lộc",
        lon: 106.718,
        lat: 21.940,
    },
    Address {
        text: "QL1A km 9, xã Phú Xá, huyện Cao Lộc",
        lon: 106.728,
        lat: 21.915,
    },
    Address {
        text: "QL1A km 12, xã Hợp Thành, huyện Cao Lộc",
        lon: 106.745,
        lat: 21.890,
    },
    Address {
        text: "QL1A km 15, thị trấn Cao Lộc, huyện Cao Lộc",
        lon: 106.752,
        lat: 21.868,
    },
];

/// A tourist site, with the visitors it holds comfortably.
#[derive(Debug, Clone, Copy)]
pub struct Site {
    pub id: &'static str,
    pub name: &'static str,
    pub capacity: f64,
    pub lon: f64,
    pub lat: f64,
}

pub const SITES: [Site; 6] = [
    Site {
        id: "mau-son",
        name: "Khu du lịch Mẫu Sơn",
        capacity: 6000.0,
        lon: 106.96,
        lat: 21.86,
    },
    Site {
        id: "tam-thanh",
        name: "Động Tam Thanh",
        capacity: 2500.0,
        lon: 106.745,
        lat: 21.857,
    },
    Site {
        id: "nhi-thanh",
        name: "Động Nhị Thanh",
        capacity: 2500.0,
        lon: 106.741,
        lat: 21.862,
    },
    Site {
        id: "ky-lua",
        name: "Chợ Kỳ Lừa",
        capacity: 5000.0,
        lon: 106.763,
        lat: 21.858,
    },
    Site {
        id: "bac-son",
        name: "Thung lũng Bắc Sơn",
        capacity: 4000.0,
        lon: 106.32,
        lat: 21.9,
    },
    Site {
        id: "chi-lang",
        name: "Ải Chi Lăng",
        capacity: 2000.0,
        lon: 106.58,
        lat: 21.66,
    },
];

/// A lodging that reports its rooms.
#[derive(Debug, Clone, Copy)]
pub struct Lodging {
    pub id: &'static str,
    pub district: &'static str,
    pub rooms: i64,
}

pub const LODGINGS: [Lodging; 8] = [
    Lodging {
        id: "tp-lang-son-ks-01",
        district: "Thành phố Lạng Sơn",
        rooms: 160,
    },
    Lodging {
        id: "tp-lang-son-ks-02",
        district: "Thành phố Lạng Sơn",
        rooms: 90,
    },
    Lodging {
        id: "tp-lang-son-ks-03",
        district: "Thành phố Lạng Sơn",
        rooms: 60,
    },
    Lodging {
        id: "mau-son-ks-01",
        district: "Lộc Bình",
        rooms: 70,
    },
    Lodging {
        id: "bac-son-homestay-01",
        district: "Bắc Sơn",
        rooms: 24,
    },
    Lodging {
        id: "bac-son-homestay-02",
        district: "Bắc Sơn",
        rooms: 18,
    },
    Lodging {
        id: "dong-dang-ks-01",
        district: "Cao Lộc",
        rooms: 80,
    },
    Lodging {
        id: "chi-lang-ks-01",
        district: "Chi Lăng",
        rooms: 30,
    },
];

/// A hospital that reports its beds.
#[derive(Debug, Clone, Copy)]
pub struct Hospital {
    pub id: &'static str,
    pub name: &'static str,
    pub beds: i64,
    /// Usual occupancy, 0..1.
    pub usual: f64,
    pub lon: f64,
    pub lat: f64,
}

pub const HOSPITALS: [Hospital; 11] = [
    Hospital {
        id: "bvdk-tinh",
        name: "Bệnh viện Đa khoa tỉnh Lạng Sơn",
        beds: 560,
        usual: 0.86,
        lon: 106.752,
        lat: 21.845,
    },
    Hospital {
        id: "ttyt-cao-loc",
        name: "Trung tâm Y tế huyện Cao Lộc",
        beds: 150,
        usual: 0.72,
        lon: 106.775,
        lat: 21.884,
    },
    Hospital {
        id: "ttyt-van-lang",
        name: "Trung tâm Y tế huyện Văn Lãng",
        beds: 120,
        usual: 0.68,
        lon: 106.605,
        lat: 22.055,
    },
    Hospital {
        id: "ttyt-trang-dinh",
        name: "Trung tâm Y tế huyện Tràng Định",
        beds: 150,
        usual: 0.70,
        lon: 106.465,
        lat: 22.255,
    },
    Hospital {
        id: "ttyt-binh-gia",
        name: "Trung tâm Y tế huyện Bình Gia",
        beds: 120,
        usual: 0.66,
        lon: 106.325,
        lat: 21.955,
    },
    Hospital {
        id: "ttyt-van-quan",
        name: "Trung tâm Y tế huyện Văn Quan",
        beds: 120,
        usual: 0.65,
        lon: 106.545,
        lat: 21.865,
    },
    Hospital {
        id: "ttyt-bac-son",
        name: "Trung tâm Y tế huyện Bắc Sơn",
        beds: 130,
        usual: 0.70,
        lon: 106.315,
        lat: 21.895,
    },
    Hospital {
        id: "ttyt-huu-lung",
        name: "Trung tâm Y tế huyện Hữu Lũng",
        beds: 200,
        usual: 0.78,
        lon: 106.345,
        lat: 21.505,
    },
    Hospital {
        id: "ttyt-chi-lang",
        name: "Trung tâm Y tế huyện Chi Lăng",
        beds: 150,
        usual: 0.70,
        lon: 106.575,
        lat: 21.655,
    },
    Hospital {
        id: "ttyt-loc-binh",
        name: "Trung tâm Y tế huyện Lộc Bình",
        beds: 150,
        usual: 0.71,
        lon: 106.915,
        lat: 21.765,
    },
    Hospital {
        id: "ttyt-dinh-lap",
        name: "Trung tâm Y tế huyện Đình Lập",
        beds: 90,
        usual: 0.60,
        lon: 107.095,
        lat: 21.545,
    },
];

/// A school that reports attendance.
#[derive(Debug, Clone, Copy)]
pub struct School {
    pub id: &'static str,
    pub name: &'static str,
    pub district: &'static str,
    pub enrolled: i64,
}

pub const SCHOOLS: [School; 12] = [
    School {
        id: "thpt-chuyen-chu-van-an",
        name: "Trường THPT Chuyên Chu Văn An",
        district: "Thành phố Lạng Sơn",
        enrolled: 950,
    },
    School {
        id: "thpt-viet-bac",
        name: "Trường THPT Việt Bắc",
        district: "Thành phố Lạng Sơn",
        enrolled: 1350,
    },
    School {
        id: "thpt-cao-loc",
        name: "Trường THPT Cao Lộc",
        district: "Cao Lộc",
        enrolled: 1050,
    },
    School {
        id: "thpt-dong-dang",
        name: "Trường THPT Đồng Đăng",
        district: "Cao Lộc",
        enrolled: 880,
    },
    School {
        id: "thpt-van-lang",
        name: "Trường THPT Văn Lãng",
        district: "Văn Lãng",
        enrolled: 820,
    },
    School {
        id: "thpt-trang-dinh",
        name: "Trường THPT Tràng Định",
        district: "Tràng Định",
        enrolled: 900,
    },
    School {
        id: "thpt-binh-gia",
        name: "Trường THPT Bình Gia",
        district: "Bình Gia",
        enrolled: 780,
    },
    School {
        id: "thpt-bac-son",
        name: "Trường THPT Bắc Sơn",
        district: "Bắc Sơn",
        enrolled: 930,
    },
    School {
        id: "thpt-huu-lung",
        name: "Trường THPT Hữu Lũng",
        district: "Hữu Lũng",
        enrolled: 1150,
    },
    School {
        id: "thpt-chi-lang",
        name: "Trường THPT Chi Lăng",
        district: "Chi Lăng",
        enrolled: 1000,
    },
    School {
        id: "thpt-loc-binh",
        name: "Trường THPT Lộc Bình",
        district: "Lộc Bình",
        enrolled: 1020,
    },
    School {
        id: "thpt-dinh-lap",
        name: "Trường THPT Đình Lập",
        district: "Đình Lập",
        enrolled: 700,
    },
];

/// A one-stop-shop procedure and its legal processing time.
#[derive(Debug, Clone, Copy)]
pub struct Procedure {
    pub id: &'static str,
    pub name: &'static str,
    pub agency: &'static str,
    /// Processing time allowed, hours.
    pub sla_hours: i64,
    /// Share of all dossiers.
    pub weight: f64,
}

pub const PROCEDURES: [Procedure; 7] = [
    Procedure {
        id: "chung-nhan-xuat-xu",
        name: "Cấp Giấy chứng nhận xuất xứ hàng hóa (C/O)",
        agency: "so-ct",
        sla_hours: 8,
        weight: 3.0,
    },
    Procedure {
        id: "dang-ky-ho-kinh-doanh",
        name: "Đăng ký thành lập hộ kinh doanh",
        agency: "ubnd-tp-lang-son",
        sla_hours: 72,
        weight: 2.0,
    },
    Procedure {
        id: "dang-ky-doanh-nghiep",
        name: "Đăng ký thành lập doanh nghiệp",
        agency: "so-khdt",
        sla_hours: 72,
        weight: 1.5,
    },
    Procedure {
        id: "doi-giay-phep-lai-xe",
        name: "Cấp đổi giấy phép lái xe",
        agency: "so-gtvt",
        sla_hours: 120,
        weight: 2.0,
    },
    Procedure {
        id: "cap-phep-xay-dung",
        name: "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        agency: "ubnd-tp-lang-son",
        sla_hours: 360,
        weight: 1.0,
    },
    Procedure {
        id: "cap-gcn-qsdd",
        name: "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        agency: "so-tnmt",
        sla_hours: 720,
        weight: 1.0,
    },
    Procedure {
        id: "cap-phep-hanh-nghe-y",
        name: "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
        agency: "so-yt",
        sla_hours: 240,
        weight: 0.5,
    },
];

/// The gate with id `id`.
pub fn gate(id: &str) -> Option<&'static Gate> {
    GATES.iter().find(|g| g.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_inside_the_province() {
        let inside =
            |lon: f64, lat: f64| (106.2..107.2).contains(&lon) && (21.4..22.4).contains(&lat);
        assert!(DISTRICTS.iter().all(|d| inside(d.lon, d.lat)));
        assert!(SEGMENTS.iter().all(|s| inside(s.lon, s.lat)));
        assert!(
            ADDRESSES
                .iter()
                .chain(&QL1A_ADDRESSES)
                .all(|a| inside(a.lon, a.lat))
        );
    }

    #[test]
    fn references_resolve() {
        assert!(
            SEGMENTS
                .iter()
                .filter_map(|s| s.gate)
                .all(|g| gate(g).is_some())
        );
        assert!(
            PROCEDURES
                .iter()
                .all(|p| p.sla_hours > 0 && !p.agency.is_empty())
        );
        assert!(QL1A_ADDRESSES.iter().all(|a| a.text.contains("QL1A")));
    }
}
