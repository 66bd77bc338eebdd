/* demodata.c - the made-up customers of a Hangzhou power supply branch.
 *
 * Every customer and every neighbourhood draws from its own splitmix64 stream, seeded from
 * (seed, index), so generation is random access and the same on every machine. Account and
 * meter serials come from keyed Feistel permutations with cycle walking: unique by
 * construction, yet scattered like real numbers instead of counting up.
 *
 * The city: Hangzhou's ten urban districts with their rough centres and some of their real
 * streets. Customers live in DEMODATA_NEIGHBOURHOODS neighbourhoods (a residential compound
 * on its transformer area, or an industrial street on its 10kV feeder); each neighbourhood's
 * meters come from one installation batch and share a prefix. */
#include "gridwalk/config.h"

#include "app/demodata.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define DEMODATA_NEIGHBOURHOODS 4000u

struct rng {
    uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rng_next(struct rng *r)
{
    r->s += 0x9E3779B97F4A7C15ull;
    return mix64(r->s);
}

static struct rng rng_for(uint64_t seed, uint64_t stream, uint64_t index)
{
    struct rng r = {mix64(seed ^ mix64(stream * 0x9E3779B97F4A7C15ull + index))};
    return r;
}

/* Uniform in [0, n). The modulo bias is below 2^-40 for our n. */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
    return (uint32_t)((rng_next(r) >> 16) % n);
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal (Box-Muller). */
static double rng_gauss(struct rng *r)
{
    double u = rng_unit(r), v = rng_unit(r);
    if (u < 1e-300)
        u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* A keyed permutation of [0, limit) for limit <= 2^(2*half_bits): a 4-round Feistel network
 * on 2*half_bits bits, walked until it lands inside the range. */
static uint64_t permute(uint64_t seed, uint64_t key, uint64_t x, unsigned half_bits, uint64_t limit)
{
    uint64_t mask = (1ull << half_bits) - 1;
    do {
        uint64_t l = x >> half_bits, r = x & mask;
        for (int round = 0; round < 4; round++) {
            uint64_t f = mix64(r ^ mix64(seed + key * 131 + (uint64_t)round)) & mask;
            uint64_t t = l ^ f;
            l = r;
            r = t;
        }
        x = (l << half_bits) | r;
    } while (x >= limit);
    return x;
}

struct weighted {
    const char *text;
    unsigned weight;
};

static const char *pick_weighted(struct rng *r, const struct weighted *w, size_t n, unsigned total)
{
    uint32_t x = rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i].weight)
            return w[i].text;
        x -= w[i].weight;
    }
    return w[n - 1].text;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[rng_below((r), (uint32_t)COUNT(a))])

static unsigned weight_total(const struct weighted *w, size_t n)
{
    unsigned t = 0;
    for (size_t i = 0; i < n; i++)
        t += w[i].weight;
    return t;
}

/* Surnames with their approximate share of China's population, in units of 0.01%. */
static const struct weighted surnames[] = {
    {"王", 710}, {"李", 700}, {"张", 670}, {"刘", 540}, {"陈", 460}, {"杨", 310}, {"黄", 250},
    {"赵", 230}, {"吴", 200}, {"周", 190}, {"徐", 150}, {"孙", 150}, {"马", 140}, {"朱", 130},
    {"胡", 120}, {"郭", 110}, {"何", 100}, {"林", 95},  {"高", 95},  {"罗", 90},  {"郑", 85},
    {"梁", 80},  {"谢", 70},  {"宋", 65},  {"唐", 60},  {"许", 60},  {"韩", 55},  {"冯", 55},
    {"邓", 55},  {"曹", 55},  {"彭", 50},  {"曾", 50},  {"肖", 50},  {"田", 45},  {"董", 45},
    {"袁", 45},  {"潘", 45},  {"于", 45},  {"蒋", 45},  {"蔡", 45},  {"余", 45},  {"杜", 40},
    {"叶", 40},  {"程", 40},  {"苏", 35},  {"魏", 35},  {"吕", 35},  {"丁", 35},  {"任", 35},
    {"沈", 35},  {"姚", 30},  {"卢", 30},  {"姜", 30},  {"崔", 30},  {"钟", 30},  {"谭", 30},
    {"陆", 30},  {"汪", 30},  {"范", 30},  {"金", 30},  {"石", 30},  {"廖", 25},  {"贾", 25},
    {"夏", 25},  {"韦", 25},  {"付", 25},  {"方", 25},  {"白", 25},  {"邹", 25},  {"孟", 25},
    {"熊", 25},  {"秦", 25},  {"邱", 25},  {"江", 25},  {"尹", 25},  {"薛", 20},  {"闫", 20},
    {"段", 20},  {"雷", 20},  {"侯", 20},  {"龙", 20},  {"史", 20},  {"陶", 20},  {"黎", 20},
    {"贺", 20},  {"顾", 20},  {"毛", 20},  {"郝", 20},  {"龚", 20},  {"邵", 20},  {"万", 20},
    {"钱", 20},  {"严", 20},  {"覃", 15},  {"武", 15},  {"戴", 15},  {"莫", 15},  {"孔", 15},
    {"向", 15},  {"汤", 15},  {"欧阳", 5}, {"上官", 1}, {"诸葛", 1},
};

static const char *const given_chars[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "英", "华", "霞", "平", "刚", "桂", "玉", "兰", "萍", "建", "国", "志",
    "红", "文", "辉", "鹏", "飞", "斌", "浩", "宇", "欣", "怡", "婷", "雪", "梅", "琳", "晨",
    "子", "轩", "涵", "博", "俊", "凯", "健", "峰", "林", "海", "波", "丹", "宁", "佳", "颖",
    "慧", "荣", "春", "金", "珍", "燕", "莉", "倩", "亮", "成", "东", "鑫", "思", "雨", "嘉",
    "晓", "梓", "一", "诗", "悦", "泽", "宏", "永", "庆", "福", "生", "龙", "元", "云", "凤",
    "美", "琴", "清", "彬", "昊", "然", "睿", "瑶", "楠", "杭",
};

static const char *const trade_chars[] = {
    "恒", "达", "华", "盛", "天", "成", "金", "鼎", "宏", "远", "永", "泰", "鑫", "源",
    "新", "光", "东", "方", "正", "兴", "瑞", "丰", "嘉", "和", "信", "诚", "顺", "利",
    "佳", "宇", "博", "通", "联", "创", "亿", "隆", "昌", "富", "明", "德", "杭", "浙",
};

static const char *const industries[] = {
    "机械", "电子",   "纺织", "食品", "建材", "物流",     "科技",     "化工",     "印染",
    "塑料", "五金",   "服饰", "家具", "包装", "汽车配件", "环保",     "医疗器械", "照明",
    "电器", "新材料", "建设", "置业", "商贸", "酒店管理", "网络科技", "精密制造",
};

static const char *const shops[] = {
    "超市", "便利店", "餐馆", "面馆", "五金店", "理发店", "药房", "水果店", "茶楼", "汽修店",
};

static const char *const compound_names[] = {
    "幸福", "阳光", "和平", "翠苑", "华星", "紫金", "金色", "丽景", "锦绣", "桂花", "春江",
    "绿园", "东方", "嘉和", "朝晖", "采荷", "景芳", "三塘", "德胜", "湖墅", "文鼎", "星洲",
    "钱江", "滨江", "江南", "之江", "西溪", "古荡", "蒋村", "万家", "新城", "金都", "天城",
    "水岸", "枫桥", "枫林", "秋涛", "望江", "南星", "清波", "城北", "府苑", "庆丰", "明月",
};

static const char *const compound_kinds[] = {
    "小区", "小区", "小区", "小区", "小区", "小区", "小区", "花园", "家园", "新村",
};

static const char *const roman[] = {"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ", "Ⅵ", "Ⅶ", "Ⅷ", "Ⅸ", "Ⅹ"};

/* Meter makers' codes in the asset numbers. */
static const char *const makers[] = {"0011", "0023", "0037", "0042", "0058", "0061", "0079"};

struct district {
    const char *name;
    double lat, lon, spread; /* centre and the spread of its neighbourhoods, degrees */
    unsigned weight;         /* share of customers */
    const char *streets[10];
};

static const struct district districts[] = {
    {"上城区",
     30.272,
     120.190,
     0.025,
     14,
     {"解放路", "延安路", "庆春路", "望江路", "秋涛路", "凯旋路", "钱江路", "江锦路", "新塘路",
      "景芳路"}},
    {"拱墅区",
     30.319,
     120.142,
     0.025,
     12,
     {"莫干山路", "湖墅南路", "大关路", "上塘路", "丽水路", "石祥路", "登云路", "德胜路", "湖州街",
      "小河路"}},
    {"西湖区",
     30.280,
     120.110,
     0.030,
     13,
     {"文三路", "文二路", "天目山路", "古墩路", "教工路", "学院路", "文一西路", "紫金港路",
      "西溪路", "留和路"}},
    {"滨江区",
     30.208,
     120.212,
     0.020,
     7,
     {"江南大道", "滨盛路", "长河路", "网商路", "闻涛路", "江虹路", "西兴路", "浦沿路", "火炬大道",
      "物联网街"}},
    {"萧山区",
     30.163,
     120.265,
     0.045,
     15,
     {"市心路", "金城路", "人民路", "山阴路", "通惠路", "博学路", "育才路", "萧绍路", "建设一路",
      "北干路"}},
    {"余杭区",
     30.290,
     120.010,
     0.040,
     12,
     {"文一西路", "五常大道", "良睦路", "荆长路", "高教路", "龙舟路", "海曙路", "仓兴街",
      "良渚大道", "闲林街"}},
    {"临平区",
     30.420,
     120.300,
     0.035,
     8,
     {"人民大道", "迎宾路", "星桥路", "南苑街", "藕花洲大街", "世纪大道", "北沙路", "超山路",
      "塘栖路", "乔司街"}},
    {"钱塘区",
     30.305,
     120.345,
     0.035,
     7,
     {"学源街", "文泽路", "文渊路", "学林街", "义蓬路", "青六路", "下沙路", "海达北路", "福城路",
      "听涛路"}},
    {"富阳区",
     30.048,
     119.960,
     0.035,
     6,
     {"金桥路", "大桥路", "江滨西大道", "桂花路", "恩波大道", "富春街", "公望街", "新登路",
      "东兴路", "春秋路"}},
    {"临安区",
     30.233,
     119.724,
     0.035,
     6,
     {"钱王街", "衣锦街", "武肃街", "万马路", "锦城街", "城中街", "石镜街", "江桥路", "天目路",
      "苕溪路"}},
};

struct neighbourhood {
    const struct district *d;
    const char *street;
    unsigned house_no;     /* of the compound or the first building on the street */
    char compound[32];     /* "华星小区" (residential) */
    char taiqu[48];        /* "0.4kV华星2号台区" */
    char feeder[48];       /* "10kV文三Ⅱ线" */
    char meter_prefix[16]; /* 13 digits: province, class, maker, batch */
    double lat, lon;
    int industrial;
};

static void neighbourhood(uint64_t seed, uint32_t k, struct neighbourhood *n)
{
    struct rng r = rng_for(seed, 2, k);
    unsigned total = 0, x;
    for (size_t i = 0; i < COUNT(districts); i++)
        total += districts[i].weight;
    x = rng_below(&r, total);
    size_t di = 0;
    while (x >= districts[di].weight) {
        x -= districts[di].weight;
        di++;
    }
    n->d = &districts[di];
    n->street = PICK(&r, n->d->streets);
    n->house_no = 1 + rng_below(&r, 600);
    n->industrial = rng_below(&r, 100) < 20;
    const char *cname = PICK(&r, compound_names);
    snprintf(n->compound, sizeof n->compound, "%s%s", cname, PICK(&r, compound_kinds));
    unsigned tq = 1 + rng_below(&r, 6);
    if (tq == 1)
        snprintf(n->taiqu, sizeof n->taiqu, "0.4kV%s台区", cname);
    else
        snprintf(n->taiqu, sizeof n->taiqu, "0.4kV%s%u号台区", cname, tq);
    /* Feeders are named after the street they run along: the street name less its suffix. */
    char place[16];
    size_t len = strlen(n->street);
    size_t cut = len >= 6 && strcmp(n->street + len - 6, "大道") == 0   ? len - 6
                 : len >= 6 && strcmp(n->street + len - 6, "大街") == 0 ? len - 6
                                                                        : len - 3;
    if (cut > 6)
        cut = 6; /* two characters */
    memcpy(place, n->street, cut);
    place[cut] = '\0';
    snprintf(n->feeder, sizeof n->feeder, "10kV%s%s线", place, PICK(&r, roman));
    snprintf(n->meter_prefix, sizeof n->meter_prefix, "331%s%02u%04u", PICK(&r, makers),
             15 + rng_below(&r, 10), rng_below(&r, 10000));
    n->lat = n->d->lat + rng_gauss(&r) * n->d->spread;
    n->lon = n->d->lon + rng_gauss(&r) * n->d->spread * 1.15;
}

/* Capacities in kVA and how common each is. */
static const struct weighted residential_caps[] = {
    {"4", 10}, {"8", 45}, {"10", 20}, {"16", 20}, {"20", 5},
};
static const struct weighted company_caps[] = {
    {"50", 18}, {"80", 14}, {"100", 14}, {"160", 10}, {"200", 8},  {"250", 7},  {"315", 7},
    {"400", 6}, {"500", 4}, {"630", 4},  {"800", 3},  {"1000", 2}, {"1250", 2}, {"1600", 1},
};
static const struct weighted big_caps[] = {
    {"3150", 3}, {"6300", 3}, {"10000", 2}, {"20000", 1}, {"31500", 1},
};

static int cap_value(const char *cap)
{
    int v = 0;
    for (const char *p = cap; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0');
    return v;
}

static void person_name(struct rng *r, char *out, size_t n)
{
    const char *sur =
        pick_weighted(r, surnames, COUNT(surnames), weight_total(surnames, COUNT(surnames)));
    unsigned shape = rng_below(r, 100);
    const char *a = PICK(r, given_chars);
    if (shape < 28)
        snprintf(out, n, "%s%s", sur, a);
    else if (shape < 32)
        snprintf(out, n, "%s%s%s", sur, a, a);
    else
        snprintf(out, n, "%s%s%s", sur, a, PICK(r, given_chars));
}

static void company_name(struct rng *r, const struct neighbourhood *nb, char *out, size_t n)
{
    unsigned kind = rng_below(r, 100);
    const char *t1 = PICK(r, trade_chars), *t2 = PICK(r, trade_chars);
    if (kind < 25) {
        snprintf(out, n, "%s%s%s", t1, t2, PICK(r, shops));
    } else if (kind < 35) {
        /* District-registered firms carry the district: 杭州萧山恒达机械有限公司. */
        char dist[16];
        size_t dl = strlen(nb->d->name) - 3;
        memcpy(dist, nb->d->name, dl);
        dist[dl] = '\0';
        snprintf(out, n, "杭州%s%s%s%s有限公司", dist, t1, t2, PICK(r, industries));
    } else {
        snprintf(out, n, "杭州%s%s%s%s", t1, t2, PICK(r, industries),
                 kind < 90 ? "有限公司" : "股份有限公司");
    }
}

void demodata_customer(uint64_t seed, uint64_t index, struct customer *c)
{
    struct rng r = rng_for(seed, 1, index);
    struct neighbourhood nb;
    memset(c, 0, sizeof *c);
    neighbourhood(seed, rng_below(&r, DEMODATA_NEIGHBOURHOODS), &nb);
    int company = rng_below(&r, 100) < (nb.industrial ? 60u : 5u);

    snprintf(c->account, sizeof c->account, "33%08llu",
             (unsigned long long)permute(seed, 1, index % DEMODATA_MAX, 14, 100000000ull));
    uint64_t serial = permute(seed, 2, index % DEMODATA_MAX, 12, 10000000ull);
    /* Last digit: a Luhn-style check over the first 21, as asset labels carry. */
    char body[24];
    snprintf(body, sizeof body, "%s0%07llu", nb.meter_prefix, (unsigned long long)serial);
    unsigned sum = 0;
    for (int i = 0; body[i]; i++) {
        unsigned d = (unsigned)(body[i] - '0');
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    snprintf(c->meter, sizeof c->meter, "%s%u", body, (10 - sum % 10) % 10);

    if (company) {
        company_name(&r, &nb, c->name, sizeof c->name);
        unsigned v = rng_below(&r, 1000);
        if (v < 2) {
            snprintf(c->capacity, sizeof c->capacity, "%s", pick_weighted(&r, big_caps + 2, 3, 4));
            snprintf(c->voltage, sizeof c->voltage, "110kV");
        } else if (v < 20) {
            snprintf(c->capacity, sizeof c->capacity, "%s", pick_weighted(&r, big_caps, 3, 8));
            snprintf(c->voltage, sizeof c->voltage, "35kV");
        } else {
            snprintf(c->capacity, sizeof c->capacity, "%s",
                     pick_weighted(&r, company_caps, COUNT(company_caps),
                                   weight_total(company_caps, COUNT(company_caps))));
            snprintf(c->voltage, sizeof c->voltage, "%s",
                     cap_value(c->capacity) <= 100 ? "380V" : "10kV");
        }
        if (strcmp(c->voltage, "110kV") == 0 || strcmp(c->voltage, "35kV") == 0) {
            /* A dedicated line from the substation, numbered the way dispatch numbers them. */
            char place[16];
            memcpy(place, nb.feeder + 4, 6);
            place[6] = '\0';
            if (c->voltage[0] == '1')
                snprintf(c->line, sizeof c->line, "110kV%s%u线", place, 1100 + rng_below(&r, 100));
            else
                snprintf(c->line, sizeof c->line, "35kV%s%u线", place, 300 + rng_below(&r, 100));
        } else {
            snprintf(c->line, sizeof c->line, "%s",
                     strcmp(c->voltage, "380V") == 0 ? nb.taiqu : nb.feeder);
        }
        snprintf(c->address, sizeof c->address, "杭州市%s%s%u号", nb.d->name, nb.street,
                 nb.house_no + rng_below(&r, 200));
    } else {
        person_name(&r, c->name, sizeof c->name);
        snprintf(c->capacity, sizeof c->capacity, "%s",
                 pick_weighted(&r, residential_caps, COUNT(residential_caps),
                               weight_total(residential_caps, COUNT(residential_caps))));
        int cap = cap_value(c->capacity);
        int three_phase = cap >= 16 && rng_below(&r, 100) < 50;
        snprintf(c->voltage, sizeof c->voltage, "%s", three_phase ? "380V" : "220V");
        snprintf(c->line, sizeof c->line, "%s", nb.taiqu);
        unsigned floor = 1 + rng_below(&r, 18);
        snprintf(c->address, sizeof c->address, "杭州市%s%s%u号%s%u幢%u单元%u%02u室", nb.d->name,
                 nb.street, nb.house_no, nb.compound, 1 + rng_below(&r, 30), 1 + rng_below(&r, 4),
                 floor, 1 + rng_below(&r, 4));
    }
    c->coord_accuracy_m = NAN;
    if (rng_below(&r, 100) < 3) {
        c->lat = c->lon = NAN;
    } else {
        double spread = company ? 0.003 : 0.0015;
        c->lat = round((nb.lat + rng_gauss(&r) * spread) * 1e6) / 1e6;
        c->lon = round((nb.lon + rng_gauss(&r) * spread * 1.15) * 1e6) / 1e6;
        snprintf(c->coord_source, sizeof c->coord_source, "import");
    }
}

/* A coordinate with six decimals, whatever the locale's decimal separator. */
static void coord_text(double v, char *out, size_t n)
{
    if (isnan(v)) {
        out[0] = '\0';
        return;
    }
    long long micro = llround(v * 1e6);
    unsigned long long a = (unsigned long long)(micro < 0 ? -micro : micro);
    snprintf(out, n, "%s%llu.%06llu", micro < 0 ? "-" : "", a / 1000000, a % 1000000);
}

static int put_field(FILE *f, const char *s, int last)
{
    int rc;
    /* Our own values never need quotes; libcsv quotes anything that might. */
    if (strpbrk(s, ",\"\r\n"))
        rc = csv_fwrite(f, s, strlen(s));
    else
        rc = fputs(s, f) < 0 ? -1 : 0;
    if (rc == 0 && fputc(last ? '\n' : ',', f) == EOF)
        rc = -1;
    return rc;
}

int demodata_write_csv(FILE *f, uint64_t seed, uint64_t n, struct err *e)
{
    struct customer c;
    char lat[32], lon[32];
    if (n > DEMODATA_MAX)
        return err_set(e, GW_ETOOBIG, "at most %u demo customers", DEMODATA_MAX);
    if (fputs("account,name,meter,capacity,address,line,voltage,lat,lon\n", f) < 0)
        return err_set(e, GW_EIO, "cannot write the CSV file");
    for (uint64_t i = 0; i < n; i++) {
        demodata_customer(seed, i, &c);
        coord_text(c.lat, lat, sizeof lat);
        coord_text(c.lon, lon, sizeof lon);
        int bad = 0;
        for (int fld = 0; fld < CF_COUNT; fld++)
            bad |= put_field(f, customer_field_text(&c, (enum customer_field)fld), 0);
        bad |= put_field(f, lat, 0);
        bad |= put_field(f, lon, 1);
        if (bad)
            return err_set(e, GW_EIO, "cannot write the CSV file (disk full?)");
    }
    if (fflush(f) != 0)
        return err_set(e, GW_EIO, "cannot write the CSV file (disk full?)");
    return GW_OK;
}

int demodata_to_store(struct db *db, uint64_t seed, uint64_t n, uint64_t *inserted, struct err *e)
{
    struct customers_upsert *u = NULL;
    struct customer c;
    uint64_t added = 0;
    int rc;
    if (n > DEMODATA_MAX)
        return err_set(e, GW_ETOOBIG, "at most %u demo customers", DEMODATA_MAX);
    if ((rc = customers_upsert_begin(db, &u, e)))
        return rc;
    for (uint64_t i = 0; i < n; i++) {
        enum customers_upsert_result r;
        demodata_customer(seed, i, &c);
        if ((rc = customers_upsert_row(u, &c, &r, e))) {
            customers_upsert_abort(u);
            return rc;
        }
        added += r == CUSTOMERS_INSERTED;
    }
    if ((rc = customers_upsert_commit(u, e)))
        return rc;
    if (inserted)
        *inserted = added;
    return GW_OK;
}
