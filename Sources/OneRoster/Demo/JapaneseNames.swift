/// A name in kanji with its reading in full-width katakana (フリガナ).
struct JapaneseName: Sendable {
    let kanji: String
    let kana: String

    init(_ kanji: String, _ kana: String) {
        self.kanji = kanji
        self.kana = kana
    }
}

/// Name lists for the synthetic roster (``DemoCity``): common family names and given names,
/// each with its usual reading. Every reading is full-width katakana (no 半角カナ, no hiragana).
enum JapaneseNames {
    static let family: [JapaneseName] = [
        JapaneseName("佐藤", "サトウ"), JapaneseName("鈴木", "スズキ"), JapaneseName("高橋", "タカハシ"),
        JapaneseName("田中", "タナカ"), JapaneseName("伊藤", "イトウ"), JapaneseName("渡辺", "ワタナベ"),
        JapaneseName("山本", "ヤマモト"), JapaneseName("中村", "ナカムラ"), JapaneseName("小林", "コバヤシ"),
        JapaneseName("加藤", "カトウ"), JapaneseName("吉田", "ヨシダ"), JapaneseName("山田", "ヤマダ"),
        JapaneseName("佐々木", "ササキ"), JapaneseName("山口", "ヤマグチ"), JapaneseName("松本", "マツモト"),
        JapaneseName("井上", "イノウエ"), JapaneseName("木村", "キムラ"), JapaneseName("林", "ハヤシ"),
        JapaneseName("斎藤", "サイトウ"), JapaneseName("清水", "シミズ"), JapaneseName("山崎", "ヤマザキ"),
        JapaneseName("森", "モリ"), JapaneseName("池田", "イケダ"), JapaneseName("橋本", "ハシモト"),
        JapaneseName("阿部", "アベ"), JapaneseName("石川", "イシカワ"), JapaneseName("山下", "ヤマシタ"),
        JapaneseName("中島", "ナカジマ"), JapaneseName("石井", "イシイ"), JapaneseName("小川", "オガワ"),
        JapaneseName("前田", "マエダ"), JapaneseName("岡田", "オカダ"), JapaneseName("長谷川", "ハセガワ"),
        JapaneseName("藤田", "フジタ"), JapaneseName("後藤", "ゴトウ"), JapaneseName("近藤", "コンドウ"),
        JapaneseName("村上", "ムラカミ"), JapaneseName("遠藤", "エンドウ"), JapaneseName("青木", "アオキ"),
        JapaneseName("坂本", "サカモト"), JapaneseName("福田", "フクダ"), JapaneseName("太田", "オオタ"),
        JapaneseName("西村", "ニシムラ"), JapaneseName("藤井", "フジイ"), JapaneseName("金子", "カネコ"),
        JapaneseName("岡本", "オカモト"), JapaneseName("藤原", "フジワラ"), JapaneseName("中野", "ナカノ"),
        JapaneseName("三浦", "ミウラ"), JapaneseName("原田", "ハラダ"), JapaneseName("中川", "ナカガワ"),
        JapaneseName("松田", "マツダ"), JapaneseName("竹内", "タケウチ"), JapaneseName("小野", "オノ"),
        JapaneseName("田村", "タムラ"), JapaneseName("中山", "ナカヤマ"), JapaneseName("和田", "ワダ"),
        JapaneseName("石田", "イシダ"), JapaneseName("森田", "モリタ"), JapaneseName("上田", "ウエダ"),
        JapaneseName("原", "ハラ"), JapaneseName("柴田", "シバタ"), JapaneseName("酒井", "サカイ"),
        JapaneseName("工藤", "クドウ"), JapaneseName("横山", "ヨコヤマ"), JapaneseName("宮崎", "ミヤザキ"),
        JapaneseName("宮本", "ミヤモト"), JapaneseName("内田", "ウチダ"), JapaneseName("高木", "タカギ"),
        JapaneseName("安藤", "アンドウ"), JapaneseName("谷口", "タニグチ"), JapaneseName("大野", "オオノ"),
        JapaneseName("丸山", "マルヤマ"), JapaneseName("今井", "イマイ"), JapaneseName("河野", "コウノ"),
        JapaneseName("藤本", "フジモト"), JapaneseName("村田", "ムラタ"), JapaneseName("武田", "タケダ"),
        JapaneseName("上野", "ウエノ"), JapaneseName("杉山", "スギヤマ"), JapaneseName("増田", "マスダ"),
        JapaneseName("平野", "ヒラノ"), JapaneseName("大塚", "オオツカ"), JapaneseName("千葉", "チバ"),
        JapaneseName("久保", "クボ"), JapaneseName("松井", "マツイ"), JapaneseName("小島", "コジマ"),
        JapaneseName("岩崎", "イワサキ"), JapaneseName("桜井", "サクライ"), JapaneseName("野口", "ノグチ"),
        JapaneseName("松尾", "マツオ"), JapaneseName("野村", "ノムラ"), JapaneseName("木下", "キノシタ"),
        JapaneseName("菊地", "キクチ"), JapaneseName("佐野", "サノ"), JapaneseName("大西", "オオニシ"),
        JapaneseName("杉本", "スギモト"), JapaneseName("新井", "アライ"),
    ]

    static let boys: [JapaneseName] = [
        JapaneseName("翔太", "ショウタ"), JapaneseName("大翔", "ヒロト"), JapaneseName("蓮", "レン"),
        JapaneseName("悠真", "ユウマ"), JapaneseName("湊", "ミナト"), JapaneseName("陽翔", "ハルト"),
        JapaneseName("樹", "イツキ"), JapaneseName("悠人", "ユウト"), JapaneseName("颯太", "ソウタ"),
        JapaneseName("大和", "ヤマト"), JapaneseName("陽太", "ヨウタ"), JapaneseName("健太", "ケンタ"),
        JapaneseName("拓海", "タクミ"), JapaneseName("翼", "ツバサ"), JapaneseName("大輝", "ダイキ"),
        JapaneseName("海斗", "カイト"), JapaneseName("蒼", "アオイ"), JapaneseName("颯", "ハヤテ"),
        JapaneseName("律", "リツ"), JapaneseName("朝陽", "アサヒ"), JapaneseName("結翔", "ユイト"),
        JapaneseName("奏太", "カナタ"), JapaneseName("陸", "リク"), JapaneseName("新", "アラタ"),
        JapaneseName("優斗", "ユウト"), JapaneseName("晴", "ハル"), JapaneseName("航", "ワタル"),
        JapaneseName("駿", "シュン"), JapaneseName("涼太", "リョウタ"), JapaneseName("直樹", "ナオキ"),
        JapaneseName("和也", "カズヤ"), JapaneseName("達也", "タツヤ"), JapaneseName("隼人", "ハヤト"),
        JapaneseName("亮", "リョウ"), JapaneseName("誠", "マコト"), JapaneseName("大地", "ダイチ"),
        JapaneseName("一輝", "カズキ"), JapaneseName("啓太", "ケイタ"), JapaneseName("康介", "コウスケ"),
        JapaneseName("智也", "トモヤ"), JapaneseName("創", "ハジメ"), JapaneseName("匠", "タクミ"),
        JapaneseName("慎之介", "シンノスケ"), JapaneseName("健一", "ケンイチ"), JapaneseName("浩二", "コウジ"),
        JapaneseName("秀樹", "ヒデキ"), JapaneseName("雄大", "ユウダイ"), JapaneseName("太一", "タイチ"),
        JapaneseName("俊介", "シュンスケ"), JapaneseName("翔", "ショウ"),
    ]

    static let girls: [JapaneseName] = [
        JapaneseName("陽葵", "ヒマリ"), JapaneseName("結衣", "ユイ"), JapaneseName("凛", "リン"),
        JapaneseName("芽依", "メイ"), JapaneseName("結菜", "ユイナ"), JapaneseName("葵", "アオイ"),
        JapaneseName("紬", "ツムギ"), JapaneseName("澪", "ミオ"), JapaneseName("莉子", "リコ"),
        JapaneseName("咲良", "サクラ"), JapaneseName("陽菜", "ヒナ"), JapaneseName("杏", "アン"),
        JapaneseName("美咲", "ミサキ"), JapaneseName("花子", "ハナコ"), JapaneseName("愛", "アイ"),
        JapaneseName("彩花", "アヤカ"), JapaneseName("七海", "ナナミ"), JapaneseName("優奈", "ユウナ"),
        JapaneseName("真央", "マオ"), JapaneseName("楓", "カエデ"), JapaneseName("心春", "コハル"),
        JapaneseName("結月", "ユヅキ"), JapaneseName("琴音", "コトネ"), JapaneseName("愛莉", "アイリ"),
        JapaneseName("彩", "アヤ"), JapaneseName("菜々子", "ナナコ"), JapaneseName("美月", "ミツキ"),
        JapaneseName("千尋", "チヒロ"), JapaneseName("遥", "ハルカ"), JapaneseName("詩", "ウタ"),
        JapaneseName("心", "ココロ"), JapaneseName("朱莉", "アカリ"), JapaneseName("杏奈", "アンナ"),
        JapaneseName("栞", "シオリ"), JapaneseName("舞", "マイ"), JapaneseName("優花", "ユウカ"),
        JapaneseName("明日香", "アスカ"), JapaneseName("里奈", "リナ"), JapaneseName("彩乃", "アヤノ"),
        JapaneseName("花音", "カノン"), JapaneseName("美羽", "ミウ"), JapaneseName("日向", "ヒナタ"),
        JapaneseName("沙希", "サキ"), JapaneseName("恵", "メグミ"), JapaneseName("智子", "トモコ"),
        JapaneseName("由美", "ユミ"), JapaneseName("裕子", "ユウコ"), JapaneseName("麻衣", "マイ"),
        JapaneseName("真由", "マユ"), JapaneseName("直子", "ナオコ"),
    ]

    /// Sort ranks of the readings, so 出席番号 (kana order) can be computed with integer
    /// comparisons: `familyRank[i]` orders `family[i].kana`; given names are ranked over boys and
    /// girls together (`boyRank`, `girlRank`). Equal readings share a rank.
    static let familyRank: [Int] = ranks(family.map(\.kana))
    static let boyRank: [Int] = Array(ranks(boys.map(\.kana) + girls.map(\.kana)).prefix(boys.count))
    static let girlRank: [Int] = Array(ranks(boys.map(\.kana) + girls.map(\.kana)).dropFirst(boys.count))

    /// Dense ranks by code-point order (UTF-8 byte order), which for katakana is 五十音順 with
    /// each voiced kana right after its unvoiced form, as name lists are usually sorted.
    private static func ranks(_ keys: [String]) -> [Int] {
        let distinct = Set(keys).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        var rankOf: [String: Int] = [:]
        for (rank, key) in distinct.enumerated() { rankOf[key] = rank }
        return keys.map { rankOf[$0]! }
    }
}
